import { z } from 'zod';
import { actionIdSchema, connectorIdSchema } from '../connectors/ids.js';
import { connectorCategorySchema } from '../connectors/schema.js';

/**
 * Inputs of the MCP tools that are not owned by a domain module. Each is the one schema for that
 * input: the tool, the matching REST route (e.g. POST /api/runs) and the tests import it from here.
 */

export const listConnectorsInput = z
  .object({
    category: connectorCategorySchema.optional().describe('Only connectors of this category'),
    query: z.string().min(1).max(200).optional().describe('Words to find in connector names and descriptions, e.g. "send message" or "invoice"'),
    offset: z.number().int().min(0).optional().describe('Skip this many matches (from nextOffset of the previous page)'),
    limit: z.number().int().min(1).max(100).optional().describe('Matches per page (default 50)'),
  })
  .strict();

export const getConnectorResourcesInput = z.object({ connectorId: connectorIdSchema }).strict();

export const getActionDetailsInput = z.object({ connectorId: connectorIdSchema, actionId: actionIdSchema }).strict();

export const executeActionInput = z
  .object({
    connectorId: connectorIdSchema,
    actionId: actionIdSchema,
    parameters: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Input values by parameter name, as listed by get_action_details'),
    credentialId: z
      .string()
      .max(100)
      .optional()
      .describe('Which credential to use when the user has several (else the x-credential-id header, else the newest)'),
  })
  .strict();
export type ExecuteActionToolInput = z.infer<typeof executeActionInput>;

export const discoverActionPathInput = z
  .object({
    connectorId: connectorIdSchema,
    goal: z.string().trim().min(3).max(500).describe('What the user wants done, in plain words'),
  })
  .strict();
