import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ActionDefinition } from '../../connectors/schema.js';
import type { Connector } from '../../connectors/types.js';

/**
 * A remote MCP server's tool on a tools-mode server: described as the server described it, and
 * its result relayed as the server returned it (every content type, structuredContent, isError,
 * _meta), carried through the durable run as the run's `toolResult`.
 */

export function remoteToolDescription(name: string, connector: Connector, action: ActionDefinition): Tool {
  const remote = connector.remoteMcp;
  const own = remote?.tools?.[action.id];
  return {
    name,
    ...(own?.title ? { title: own.title } : {}),
    description: action.description,
    inputSchema: (remote?.inputSchemas[action.id] ?? { type: 'object' }) as Tool['inputSchema'],
    ...(own?.outputSchema ? { outputSchema: own.outputSchema as Tool['outputSchema'] } : {}),
    ...(own?.annotations ? { annotations: own.annotations } : {}),
    execution: { taskSupport: 'optional' },
  };
}

/** A remote tool's task result from its run's (an ActionResult): the server's own result, relayed whole. */
export function remoteTaskResult(value: unknown): CallToolResult {
  const outcome = value as { data?: unknown; toolResult?: Record<string, unknown> };
  return relayedResult(outcome.toolResult ? { toolResult: outcome.toolResult } : { result: outcome.data });
}

/**
 * The call's result from the run's: the remote server's own result when the run carried it; else
 * (a run of an older worker, or a result past the bound) the data the run kept, as text.
 */
export function relayedResult(result: Record<string, unknown>): CallToolResult {
  if (result.toolResult) return result.toolResult as CallToolResult;
  const data = result.result;
  return {
    content: [{ type: 'text', text: typeof data === 'string' ? data : JSON.stringify(data) }],
    ...(data !== null && typeof data === 'object' && !Array.isArray(data) ? { structuredContent: data as Record<string, unknown> } : {}),
  };
}
