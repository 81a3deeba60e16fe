import { z } from 'zod';
import {
  actionSchema,
  authMethodSchema,
  checkConnectorConsistency,
  connectorCategorySchema,
  connectorDefinitionBaseSchema,
  rateLimitSchema,
} from '../schema.js';

export const CUSTOM_CONNECTOR_LIMITS = { connectorsPerAccount: 500, operationsPerConnector: 100, authMethods: 5 } as const;

/**
 * A custom REST connector: the catalogue's connector schema with the per-connector limits of
 * custom connectors and friendlier defaults (category, description, rate limit) for hand-made
 * definitions. `source` is ours to set, never the caller's.
 */
export const customConnectorSchema = connectorDefinitionBaseSchema
  .omit({ source: true })
  .extend({
    category: connectorCategorySchema.default('other'),
    description: z.string().max(2000).default(''),
    authMethods: z
      .array(authMethodSchema)
      .min(1)
      .max(
        CUSTOM_CONNECTOR_LIMITS.authMethods,
        `a connector may have at most ${CUSTOM_CONNECTOR_LIMITS.authMethods} auth methods`,
      ),
    actions: z
      .array(actionSchema)
      .min(1, 'a connector needs at least one operation')
      .max(
        CUSTOM_CONNECTOR_LIMITS.operationsPerConnector,
        `a custom connector may have at most ${CUSTOM_CONNECTOR_LIMITS.operationsPerConnector} operations`,
      ),
    rateLimit: rateLimitSchema.default({ requestsPerSecond: 10 }),
  })
  .superRefine((def, ctx) => checkConnectorConsistency({ ...def, source: { kind: 'hand-written' } }, ctx));

export type CustomConnectorDefinition = z.infer<typeof customConnectorSchema>;
export type CustomConnectorInput = z.input<typeof customConnectorSchema>;
