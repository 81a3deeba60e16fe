import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { AuditLogRow } from '../tables/audit.js';

export interface AuditEntryInput {
  accountId: string;
  actor: { userId: string; role: string; via: string; keyId?: string };
  action: string;
  target: Record<string, unknown>;
  /** Already masked (src/audit/redact.ts). */
  before?: unknown;
  after?: unknown;
  clientAddress?: string;
  status: number;
}

export async function insertAuditEntry(db: Db, entry: AuditEntryInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      account_id: entry.accountId,
      actor_user_id: entry.actor.userId,
      actor_role: entry.actor.role,
      actor_via: entry.actor.via,
      actor_key_id: entry.actor.keyId ?? null,
      action: entry.action,
      target: JSON.stringify(entry.target),
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      client_address: entry.clientAddress ?? null,
      status: entry.status,
    })
    .execute();
}

/** Whether an entry of this action already names the value under `key` in its target. */
export async function auditEntryExists(db: Db, accountId: string, action: string, key: string, value: string): Promise<boolean> {
  const row = await db
    .selectFrom('audit_log')
    .select('id')
    .where('account_id', '=', accountId)
    .where('action', '=', action)
    .where(sql<boolean>`target @> ${JSON.stringify({ [key]: value })}::jsonb`)
    .executeTakeFirst();
  return row !== undefined;
}

export interface AuditFilter {
  accountId: string;
  actorUserId?: string;
  actorKeyId?: string;
  /** Prefix match: "POST /api/servers" or "credential.". */
  action?: string;
  /** Entries whose target has this value under any key (a server id, a credential id). */
  target?: string;
  since?: Date;
  until?: Date;
  /** Entries older than this id (the previous page's nextCursor). */
  before?: string;
  limit: number;
}

/** Newest first; one more row than asked tells whether another page exists. */
export async function listAuditEntries(db: Db, filter: AuditFilter): Promise<{ entries: AuditLogRow[]; next?: string }> {
  let query = db.selectFrom('audit_log').selectAll().where('account_id', '=', filter.accountId);
  if (filter.actorUserId !== undefined) query = query.where('actor_user_id', '=', filter.actorUserId);
  if (filter.actorKeyId !== undefined) query = query.where('actor_key_id', '=', filter.actorKeyId);
  if (filter.action !== undefined) query = query.where(sql<boolean>`starts_with(action, ${filter.action})`);
  if (filter.target !== undefined) {
    query = query.where(sql<boolean>`exists (select 1 from jsonb_each_text(target) as t where t.value = ${filter.target})`);
  }
  if (filter.since) query = query.where('at', '>=', filter.since);
  if (filter.until) query = query.where('at', '<', filter.until);
  if (filter.before !== undefined) query = query.where('id', '<', filter.before);
  const rows = await query.orderBy('id', 'desc').limit(filter.limit + 1).execute();
  const entries = rows.slice(0, filter.limit);
  return rows.length > filter.limit ? { entries, next: entries.at(-1)!.id } : { entries };
}

/**
 * Deletes up to `batch` entries older than the cutoff, in a transaction that tells the
 * append-only trigger this is the retention prune. Returns how many went.
 */
export async function pruneAuditEntries(db: Db, cutoff: Date, batch: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('switchboard.audit_prune', 'on', true)`.execute(trx);
    const deleted = await trx
      .deleteFrom('audit_log')
      .where('id', 'in', (sub) => sub.selectFrom('audit_log').select('id').where('at', '<', cutoff).orderBy('id').limit(batch))
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  });
}
