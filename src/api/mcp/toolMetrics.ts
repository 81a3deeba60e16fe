import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { toSwitchboardError } from '../errorHandler.js';
import type { ToolDefinition } from './tool.js';
import { executeActionDuration, toolCalls } from '../../observability/metrics.js';

/**
 * Outcomes an execute_action call reaches only once its connector id named a connector: only then
 * is the id a label. Any other outcome (CONNECTOR_NOT_FOUND, a refusal, bad input, a failure
 * before the lookup, and any code added later) may carry an id the caller made up, each of which
 * would be a new series, so those are counted under `unknown`.
 */
const RESOLVED_CONNECTOR_OUTCOMES = new Set(['ok', 'ACTION_NOT_FOUND', 'CREDENTIAL_NOT_FOUND', 'UPSTREAM_ERROR', 'UPSTREAM_REJECTED', 'RATE_LIMITED']);

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
          const connector = typeof connectorId === 'string' && RESOLVED_CONNECTOR_OUTCOMES.has(outcome) ? connectorId : 'unknown';
          executeActionDuration.observe({ connector, outcome }, (performance.now() - started) / 1000);
        }
      }
    },
  };
}
