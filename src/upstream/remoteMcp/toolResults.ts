import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ActionDefinition } from '../../connectors/schema.js';
import type { Connector } from '../../connectors/types.js';
import { SwitchboardError } from '../../errors.js';
import type { Redactor } from '../../secrets/redaction.js';
import { MAX_TOOL_RESULT_BYTES } from '../../workflows/contracts/action.js';
import type { AttemptOutcome } from '../../workflows/contracts/attempt.js';
import { sizeOf } from '../boundedBody.js';
import { boundResult } from '../shaping.js';
import type { bearerChallenge } from './oauthDiscovery.js';

/** What a tool call on an MCP server (remote or hosted) becomes: shared by both clients. */

const ERROR_TEXT_CHARS = 2000;

/** A failure talking MCP to a server; `retryable` says whether trying again could repeat a tool's effect. */
export class RemoteMcpError extends SwitchboardError {
  /** The Bearer challenge of a 401 or 403 (RFC 6750 §3): which scope the server asks for. Kept out of details. */
  challenge?: ReturnType<typeof bearerChallenge>;

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

/**
 * The tool's CallToolResult as the run keeps it for tools-mode servers to relay (every content
 * type, structuredContent, isError, _meta), or undefined past MAX_TOOL_RESULT_BYTES: it travels in
 * the run's result, one Temporal payload. What the server sent was already read within
 * UPSTREAM_MAX_RESPONSE_BYTES.
 */
function wholeResult(result: CallToolResult): Record<string, unknown> | undefined {
  const { content, structuredContent, isError, _meta } = result;
  const whole = { content, ...(structuredContent !== undefined ? { structuredContent } : {}), ...(isError ? { isError } : {}), ...(_meta ? { _meta } : {}) };
  return Buffer.byteLength(JSON.stringify(whole)) <= MAX_TOOL_RESULT_BYTES ? whole : undefined;
}

/** A tool's answer as the attempt's outcome; a tool that reports an error fails the call (it acted, or chose not to). */
export function toolCallOutcome(
  result: CallToolResult,
  call: { connector: Pick<Connector, 'id' | 'name'>; action: Pick<ActionDefinition, 'id'>; redactor: Redactor; credentialId?: string },
): AttemptOutcome {
  const { connector, action, redactor } = call;
  const toolResult = wholeResult(redactor.value(result));
  if (result.isError) {
    const text = redactor.text(textOf(result)).slice(0, ERROR_TEXT_CHARS);
    throw new RemoteMcpError(`${connector.name} tool ${action.id} failed: ${text}`, false, {
      connectorId: connector.id,
      actionId: action.id,
      reason: 'tool-error',
      body: text,
      ...(toolResult ? { toolResult } : {}),
    });
  }
  // Scrubbed before bounding, which could cut a secret short of being recognised.
  const bounded = boundResult(redactor.value(dataOf(result)), []);
  const notes = [...bounded.notes, ...(toolResult ? [] : [`The whole tool result is over ${sizeOf(MAX_TOOL_RESULT_BYTES)}: only its data was kept`])];
  return {
    kind: 'succeeded',
    result: {
      status: 200,
      ...(call.credentialId ? { credentialId: call.credentialId } : {}),
      data: bounded.data,
      ...(notes.length > 0 ? { notes } : {}),
      ...(toolResult ? { toolResult } : {}),
    },
  };
}
