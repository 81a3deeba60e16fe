import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { toSwitchboardError } from '../errorHandler.js';
import type { ToolDefinition } from './tool.js';
import { executeActionDuration, toolCalls } from '../../observability/metrics.js';

/** Codes that mean the connector id itself may be made up: it then stays out of the labels. */
const UNTRUSTED_CONNECTOR_CODES = new Set(['NOT_FOUND', 'INVALID_REQUEST', 'FORBIDDEN']);

function outcomeOf(error: unknown): string {
  return error instanceof McpError ? 'MCP_ERROR' : toSwitchboardError(error).code;
}

/** The same tool, counted: calls by outcome, and execute_action's latency by connector. */
export function withToolMetrics(tool: ToolDefinition): ToolDefinition {
  return {
    ...tool,
    async run(input, context) {
      const started = performance.now();
      let outcome = 'ok';
      try {
        return await tool.run(input, context);
      } catch (error) {
        outcome = outcomeOf(error);
        throw error;
      } finally {
        toolCalls.inc({ tool: tool.name, outcome });
        if (tool.name === 'execute_action') {
          const connectorId = (input as { connectorId?: unknown }).connectorId;
          const connector = typeof connectorId === 'string' && !UNTRUSTED_CONNECTOR_CODES.has(outcome) ? connectorId : 'unknown';
          executeActionDuration.observe({ connector, outcome }, (performance.now() - started) / 1000);
        }
      }
    },
  };
}
