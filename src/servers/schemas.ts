import { z } from 'zod';

/** Inputs of the servers API. One schema per input: the REST routes, OpenAPI and tests use these. */

const restrictionMode = z.enum(['allowlist', 'blocklist']);
const restrictionEntries = z.array(z.string().min(1).max(200)).max(1000);

/** A restriction list as stored and answered: its mode and the ids it lists. */
const restrictionList = z.object({ mode: restrictionMode, ids: restrictionEntries.default([]) }).strict();

/**
 * A restriction list as the servers API takes it: `ids`, or the seed's field for the mode
 * (`allowedIds`/`blockedIds`, `allowedActions`/`blockedActions` for actions). Answers carry both
 * `ids` and the seed's field, so a body read back from GET can be sent again as it is.
 */
function restrictionListInput(allowed: 'allowedIds' | 'allowedActions', blocked: 'blockedIds' | 'blockedActions') {
  return z
    .object({
      mode: restrictionMode,
      ids: restrictionEntries.optional(),
      [allowed]: restrictionEntries.optional().describe('Seed form of ids for an allowlist'),
      [blocked]: restrictionEntries.optional().describe('Seed form of ids for a blocklist'),
    })
    .strict()
    .superRefine((parsed, ctx) => {
      const list = parsed as { mode: z.infer<typeof restrictionMode>; ids?: string[] } & Record<string, string[] | undefined>;
      const [own, other] = list.mode === 'allowlist' ? [allowed, blocked] : [blocked, allowed];
      if (list[other] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [other], message: `does not apply to mode "${list.mode}" (use ${own} or ids)` });
      }
      const seed = list[own];
      if (seed !== undefined && list.ids !== undefined && JSON.stringify([...seed].sort()) !== JSON.stringify([...list.ids].sort())) {
        ctx.addIssue({ code: 'custom', path: [own], message: `names other entries than ids: give one of them` });
      }
    })
    .transform((parsed): RestrictionList => {
      const list = parsed as { mode: z.infer<typeof restrictionMode>; ids?: string[] } & Record<string, string[] | undefined>;
      return { mode: list.mode, ids: list.ids ?? list[list.mode === 'allowlist' ? allowed : blocked] ?? [] };
    });
}

/** Restrictions as stored: connector ids; `connectorId:actionId` or a bare actionId that matches it on every connector; end-user ids. */
export interface Restrictions {
  connectors?: RestrictionList;
  actions?: RestrictionList;
  users?: RestrictionList;
}
export type RestrictionList = z.infer<typeof restrictionList>;

const restrictionsInput = z
  .object({
    connectors: restrictionListInput('allowedIds', 'blockedIds').optional().describe('Connector ids'),
    actions: restrictionListInput('allowedActions', 'blockedActions')
      .optional()
      .describe('`connectorId:actionId`, or a bare actionId that matches it on every connector'),
    users: restrictionListInput('allowedIds', 'blockedIds').optional().describe('End-user ids'),
  })
  .strict();

/** Restrictions as answered: `ids`, and the same entries under the seed's field for the mode. */
const seedFields = { connectors: ['allowedIds', 'blockedIds'], actions: ['allowedActions', 'blockedActions'], users: ['allowedIds', 'blockedIds'] } as const;
export function presentRestrictions(restrictions: Restrictions): RestrictionsAnswer {
  return Object.fromEntries(
    (Object.keys(seedFields) as Array<keyof typeof seedFields>)
      .filter((kind) => restrictions[kind])
      .map((kind) => {
        const list = restrictions[kind]!;
        const field = seedFields[kind][list.mode === 'allowlist' ? 0 : 1];
        return [kind, { ...list, [field]: list.ids }];
      }),
  );
}
const restrictionListAnswer = restrictionList.extend({
  allowedIds: restrictionEntries.optional(),
  blockedIds: restrictionEntries.optional(),
  allowedActions: restrictionEntries.optional(),
  blockedActions: restrictionEntries.optional(),
});
const restrictionsAnswer = z.object({ connectors: restrictionListAnswer.optional(), actions: restrictionListAnswer.optional(), users: restrictionListAnswer.optional() });
type RestrictionsAnswer = z.infer<typeof restrictionsAnswer>;

const serverModes = ['connectivity', 'tools'] as const;
export type ServerMode = (typeof serverModes)[number];
const mode = z
  .enum(serverModes)
  .describe('"connectivity": the meta-tools (list_connectors … execute_action); "tools": each allowed action of the assigned connectors as its own tool (docs/tools-mode.md)');

const name = z.string().trim().min(1, 'must be 1–100 characters').max(100, 'must be 1–100 characters');
const description = z.string().max(2000);
const adminFlag = z
  .boolean()
  .describe('Also offers the management tools on MCP; its access URL then acts as its owner with the admin role');

export const createServerInput = z
  .object({
    name,
    description: description.default(''),
    mode: mode.default('connectivity'),
    isPublic: z.boolean().default(false),
    admin: adminFlag.default(false),
    tokenExpiresInDays: z.number().int().min(1).max(365).default(90),
    restrictions: restrictionsInput.default({}),
  })
  .strict();
export type CreateServerInput = z.infer<typeof createServerInput>;

export const updateServerInput = z
  .object({
    name: name.optional(),
    description: description.optional(),
    mode: mode.optional(),
    isPublic: z.boolean().optional(),
    admin: adminFlag.optional(),
    tokenExpiresInDays: z.number().int().min(1).max(365).optional(),
    restrictions: restrictionsInput.optional(),
  })
  .strict();
export type UpdateServerInput = z.infer<typeof updateServerInput>;

export const serverIdParam = z.string().regex(/^[a-z0-9][a-z0-9-]{0,120}$/, 'is not a server id');

export const serverResponse = z.object({
  serverId: z.string(),
  name: z.string(),
  description: z.string(),
  mode,
  isPublic: z.boolean(),
  admin: adminFlag,
  tokenExpiresInDays: z.number(),
  url: z.string(),
  accessToken: z.string().optional().describe('Only on create and token rotation: it is stored hashed.'),
  accessUrl: z.string().optional().describe('Only on create and token rotation.'),
  accessTokenExpiresAt: z.string().optional(),
  restrictions: restrictionsAnswer,
  hasRestrictions: z.boolean(),
  warnings: z
    .array(z.string())
    .optional()
    .describe('On create and update: restriction entries that name no connector of the account (accepted, but they match nothing)'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ServerResponse = z.infer<typeof serverResponse>;

/** GET /api/servers/:serverId/tools: what an agent calling as the caller sees on tools/list. */
export const serverToolsResponse = z.object({
  mode,
  tools: z.array(z.object({ name: z.string(), title: z.string().optional(), description: z.string().optional() })),
  listed: z.number().describe('How many tools tools/list shows'),
  count: z.number().describe('How many tools the server offers; past TOOLS_MODE_MAX_TOOLS the rest are found with search_tools'),
});
export type ServerToolsResponse = z.infer<typeof serverToolsResponse>;
