import { randomUUID } from 'node:crypto';
import { isInputRequiredResult, ProtocolError, ProtocolErrorCode, type Client } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Db } from '../../db/connect.js';
import { insertRunRequest, MAX_RUN_REQUEST_BYTES, readRunRequestAnswer } from '../../db/repositories/runRequests.js';
import type { RelayedRequestMethod } from '../../db/tables/runRequests.js';
import type { RunNote } from '../../db/tables/runNotes.js';
import type { Redactor } from '../../secrets/redaction.js';
import { pause, type CallerRequestRelay } from './callerRequests.js';

/** How often the attempt looks for the caller's answers: one primary-key read per open request. */
const ANSWER_POLL_MS = 200;
/** JSON-RPC's request time-out (-32001), which the SDK v2 names only among its own errors. */
const CALLER_INPUT_TIMEOUT_CODE = -32001;
const RELAYED_METHODS = new Set<string>(['sampling/createMessage', 'elicitation/create', 'roots/list']);

/** What a tool call on a 2026-07-28 server is told to do with what it hears besides its result. */
export interface ModernCallHooks {
  /** A progress or log notification of the call, already scrubbed. */
  note?: (note: RunNote) => void;
  /** The server said its tool list changed. */
  toolsChanged?: () => void;
}

/**
 * One round of a 2026-07-28 server's input_required answer, relayed to the caller through the
 * run's requests (run_requests), each under the server's own key, which the caller answers by
 * (src/api/mcp/callerRequests.ts): the answers, keyed as the server asked, once all are in. A
 * tools-mode prompts/get relays its rounds the same way, under a key of its own for `workflowId`.
 */
export async function askCallerRound(db: Db, relay: Pick<CallerRequestRelay, 'owner' | 'workflowId'>, inputRequests: Record<string, unknown>, redactor: Redactor, signal: AbortSignal): Promise<Record<string, unknown>> {
  const open: Array<{ key: string; requestId: string }> = [];
  for (const [key, request] of Object.entries(inputRequests)) {
    const { method, params } = (request ?? {}) as { method?: unknown; params?: unknown };
    if (typeof method !== 'string' || !RELAYED_METHODS.has(method)) throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `The server asked its caller an unknown input request (${String(method).slice(0, 64)})`);
    const scrubbed = redactor.value(params ?? {}) as Record<string, unknown>;
    if (Buffer.byteLength(JSON.stringify(scrubbed)) > MAX_RUN_REQUEST_BYTES) {
      throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `REQUEST_TOO_LARGE: ${method} params over ${MAX_RUN_REQUEST_BYTES} bytes are not relayed to the caller`);
    }
    const requestId = randomUUID();
    const inserted = await insertRunRequest(db, relay.owner, { requestId, workflowId: relay.workflowId, method: method as RelayedRequestMethod, params: scrubbed, inputKey: key });
    if (!inserted) throw new ProtocolError(ProtocolErrorCode.InvalidRequest, 'TOO_MANY_REQUESTS: this call has asked its caller too many times');
    open.push({ key, requestId });
  }
  const answers: Record<string, unknown> = {};
  while (!signal.aborted) {
    for (const { key, requestId } of open.filter((request) => !(request.key in answers))) {
      const answer = await readRunRequestAnswer(db, requestId);
      if (answer && 'error' in answer) throw new ProtocolError(answer.error.code, answer.error.message);
      if (answer) answers[key] = answer.result;
    }
    if (Object.keys(answers).length === open.length) return answers;
    await pause(ANSWER_POLL_MS, signal);
  }
  throw new ProtocolError(CALLER_INPUT_TIMEOUT_CODE, "CALLER_INPUT_TIMEOUT: the caller did not answer the server's input requests before the call's deadline");
}

/**
 * tools/call on a 2026-07-28 server (SDK v2 client, stateless): while it answers input_required,
 * its input requests go to the caller (as far as the caller declared what they need) and the call
 * is made again with the answers and the server's requestState, echoed as it came, until the
 * result. The first round carries what the caller's own first call already answered.
 */
export async function callModernTool(
  db: Db,
  client: Client,
  call: { name: string; arguments: Record<string, unknown> },
  options: { signal: AbortSignal; timeout: number },
  redactor: Redactor,
  askCaller: CallerRequestRelay | undefined,
  hooks: ModernCallHooks,
): Promise<CallToolResult> {
  if (hooks.toolsChanged) client.setNotificationHandler('notifications/tools/list_changed', hooks.toolsChanged);
  const note = hooks.note;
  if (note) {
    client.setNotificationHandler('notifications/message', ({ params }) =>
      note(redactor.value({ kind: 'log', level: params.level, ...(params.logger ? { logger: params.logger } : {}), data: params.data }) as RunNote),
    );
  }
  const onprogress = note
    ? ({ progress, total, message }: { progress: number; total?: number; message?: string }) =>
        note(redactor.value({ kind: 'progress', progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) }) as RunNote)
    : undefined;
  let params: Record<string, unknown> = { ...call, ...(askCaller?.initialResponses ? { inputResponses: askCaller.initialResponses } : {}) };
  for (;;) {
    const result = await client.request({ method: 'tools/call', params }, { ...options, allowInputRequired: true, ...(onprogress ? { onprogress } : {}) });
    if (!isInputRequiredResult(result)) return result as CallToolResult;
    // A server asks only what the caller declared (the envelope says); one that asks anyway gets nothing relayed.
    if (!askCaller) throw new ProtocolError(ProtocolErrorCode.InvalidRequest, 'The server asked the caller for input, but the caller declared no capability to answer with');
    const inputResponses = await askCallerRound(db, askCaller, (result.inputRequests ?? {}) as Record<string, unknown>, redactor, options.signal);
    params = { ...call, inputResponses, ...(result.requestState !== undefined ? { requestState: result.requestState } : {}) };
  }
}
