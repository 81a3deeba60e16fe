import { z } from 'zod';
import { actionIdSchema, connectorIdSchema } from '../../connectors/ids.js';
import { connectorCategorySchema } from '../../connectors/schema.js';

/**
 * Inputs of the catalogue and discovery MCP tools, one schema each. execute_action's input is
 * src/runs/schemas.ts's, shared with POST /api/runs; execute_plan's is src/plans/schemas.ts's.
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

export const discoverActionPathInput = z
  .object({
    connectorId: connectorIdSchema,
    goal: z.string().trim().min(3).max(500).describe('What the user wants done, in plain words'),
    proposer: z
      .enum(['auto', 'rules', 'client-model'])
      .default('auto')
      .describe(
        "Who proposes the plan: the rules; the client's own model through MCP sampling (protocol 2026-07-28, when the client declared sampling), its proposal checked against the connector before it is offered; or auto (the default): the client's model only when the rules find no plan",
      ),
  })
  .strict();
