import { z } from 'zod';
import { listAuditEntries } from '../../db/repositories/audit.js';
import type { AuditLogRow } from '../../db/tables/audit.js';
import { actingUser, mayActForAnyUser } from '../../policy/roles.js';
import type { ApiDependencies } from '../context.js';
import { ApiRouter } from '../routing.js';
import { userIdSchema } from '../userTokens.js';

const listAuditQuery = z
  .object({
    actor: userIdSchema.optional().describe('Only entries made as this user'),
    actorKeyId: z.string().min(1).max(64).optional().describe('Only entries made with this API key'),
    action: z.string().min(1).max(200).optional().describe('Action prefix: "POST /api/servers", "DELETE ", "credential."'),
    target: z.string().min(1).max(200).optional().describe('Only entries whose target names this id (a server, credential, key…)'),
    since: z.iso.datetime({ offset: true }).optional().describe('Entries at or after this time'),
    until: z.iso.datetime({ offset: true }).optional().describe('Entries before this time'),
    cursor: z.string().regex(/^\d{1,19}$/).optional().describe("The previous page's nextCursor"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const auditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ userId: z.string(), role: z.string(), via: z.string(), keyId: z.string().optional() }),
  action: z.string().describe('"<METHOD> <route path>" for management changes; credential.create, credential.use, credential.revoke, sign-in for the rest'),
  target: z.record(z.string(), z.unknown()).describe('Path parameters and the id a creation made'),
  before: z.unknown().describe('What the change replaced or removed, secrets masked; null when not recorded'),
  after: z.unknown().describe('The validated request, secrets masked'),
  clientAddress: z.string().nullable(),
  status: z.number().describe('The HTTP status the change answered with'),
});

function toAuditEntry(row: AuditLogRow): z.infer<typeof auditEntry> {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: { userId: row.actor_user_id, role: row.actor_role, via: row.actor_via, ...(row.actor_key_id ? { keyId: row.actor_key_id } : {}) },
    action: row.action,
    target: row.target,
    before: row.before ?? null,
    after: row.after ?? null,
    clientAddress: row.client_address,
    status: row.status,
  };
}

/** GET /api/audit: operators and admins read the account's trail; a user only its own entries. */
export function auditRoutes(deps: Pick<ApiDependencies, 'db'>): ApiRouter {
  return new ApiRouter().add(
    {
      method: 'get',
      path: '/api/audit', access: 'user',
      summary: 'The audit log, newest first: who changed what, used which credential, signed in',
      tag: 'Account',
      query: listAuditQuery,
      response: z.object({ entries: z.array(auditEntry), nextCursor: z.string().optional() }),
    },
    async ({ auth, query }) => {
      const actor = mayActForAnyUser(auth) ? query.actor : actingUser(auth, query.actor);
      const { entries, next } = await listAuditEntries(deps.db, {
        accountId: auth.accountId,
        ...(actor ? { actorUserId: actor } : {}),
        ...(query.actorKeyId ? { actorKeyId: query.actorKeyId } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(query.target ? { target: query.target } : {}),
        ...(query.since ? { since: new Date(query.since) } : {}),
        ...(query.until ? { until: new Date(query.until) } : {}),
        ...(query.cursor ? { before: query.cursor } : {}),
        limit: query.limit,
      });
      return { entries: entries.map(toAuditEntry), ...(next ? { nextCursor: next } : {}) };
    },
  );
}
