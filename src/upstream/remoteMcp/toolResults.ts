import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ActionDefinition } from '../../connectors/schema.js';
import type { Connector } from '../../connectors/types.js';
import { SwitchboardError } from '../../errors.js';
import type { Redactor } from '../../secrets/redaction.js';
import type { AttemptOutcome } from '../../workflows/contracts.js';
import { boundResult } from '../shaping.js';

/** What a tool call on an MCP server (remote or hosted) becomes: shared by both clients. */

const ERROR_TEXT_CHARS = 2000;

/** A failure talking MCP to a server; `retryable` says whether trying again could repeat a tool's effect. */
export class RemoteMcpError extends SwitchboardError {
  constructor(message: string, readonly retryable: boolean, details: Record<string, unknown>) {
    super('UPSTREAM_ERROR', message, details);
  }
}

function textOf(result: CallToolResult): string {
  return result.content
    .map((item) => (item.type === 'text' ? item.text : `[${item.type}${'mimeType' in item ? ` ${String(item.mimeType)}` : ''}]`))
    .join('\n');
}

/** What a tool returned: structuredContent when it gives one, else its content as text. */
function dataOf(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  return textOf(result);
}

/** A tool's answer as the attempt's outcome; a tool that reports an error fails the call (it acted, or chose not to). */
export function toolCallOutcome(
  result: CallToolResult,
  call: { connector: Pick<Connector, 'id' | 'name'>; action: Pick<ActionDefinition, 'id'>; redactor: Redactor; credentialId?: string },
): AttemptOutcome {
  const { connector, action, redactor } = call;
  if (result.isError) {
    const text = redactor.text(textOf(result)).slice(0, ERROR_TEXT_CHARS);
    throw new RemoteMcpError(`${connector.name} tool ${action.id} failed: ${text}`, false, {
      connectorId: connector.id,
      actionId: action.id,
      reason: 'tool-error',
      body: text,
    });
  }
  // Scrubbed before bounding, which could cut a secret short of being recognised.
  const bounded = boundResult(redactor.value(dataOf(result)), []);
  return {
    kind: 'succeeded',
    result: { status: 200, ...(call.credentialId ? { credentialId: call.credentialId } : {}), data: bounded.data, ...(bounded.notes.length > 0 ? { notes: bounded.notes } : {}) },
  };
}
