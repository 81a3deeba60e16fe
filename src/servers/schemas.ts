import { z } from 'zod';

/** Inputs of the servers API. One schema per input: the REST routes, OpenAPI and tests use these. */

const restrictionList = z
  .object({
    mode: z.enum(['allowlist', 'blocklist']),
    ids: z.array(z.string().min(1).max(200)).max(1000).default([]),
  })
  .strict();

const restrictionsSchema = z
  .object({
    /** Connector ids. */
    connectors: restrictionList.optional(),
    /** `connectorId:actionId`, or a bare actionId that matches it on every connector. */
    actions: restrictionList.optional(),
    /** End-user ids. */
    users: restrictionList.optional(),
  })
  .strict();
export type Restrictions = z.infer<typeof restrictionsSchema>;
export type RestrictionList = z.infer<typeof restrictionList>;

const name = z.string().trim().min(1, 'must be 1–100 characters').max(100, 'must be 1–100 characters');
const description = z.string().max(2000);
const adminFlag = z
  .boolean()
  .describe('Also offers the management tools on MCP; its access URL then acts as its owner with the admin role');

export const createServerInput = z
  .object({
    name,
    description: description.default(''),
    isPublic: z.boolean().default(false),
    admin: adminFlag.default(false),
    tokenExpiresInDays: z.number().int().min(1).max(365).default(90),
    restrictions: restrictionsSchema.default({}),
  })
  .strict();
export type CreateServerInput = z.infer<typeof createServerInput>;

export const updateServerInput = z
  .object({
    name: name.optional(),
    description: description.optional(),
    isPublic: z.boolean().optional(),
    admin: adminFlag.optional(),
    tokenExpiresInDays: z.number().int().min(1).max(365).optional(),
    restrictions: restrictionsSchema.optional(),
  })
  .strict();
export type UpdateServerInput = z.infer<typeof updateServerInput>;

export const serverIdParam = z.string().regex(/^[a-z0-9][a-z0-9-]{0,120}$/, 'is not a server id');

export const serverResponse = z.object({
  serverId: z.string(),
  name: z.string(),
  description: z.string(),
  mode: z.literal('connectivity'),
  isPublic: z.boolean(),
  admin: adminFlag,
  tokenExpiresInDays: z.number(),
  url: z.string(),
  accessToken: z.string().optional().describe('Only on create and token rotation: it is stored hashed.'),
  accessUrl: z.string().optional().describe('Only on create and token rotation.'),
  accessTokenExpiresAt: z.string().optional(),
  restrictions: restrictionsSchema,
  hasRestrictions: z.boolean(),
  warnings: z
    .array(z.string())
    .optional()
    .describe('On create and update: restriction entries that name no connector of the account (accepted, but they match nothing)'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ServerResponse = z.infer<typeof serverResponse>;
