import { randomUUID } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Db } from '../../db/connect.js';
import type { RunRequestOwner } from '../../db/repositories/runRequests.js';
import { Redactor } from '../../secrets/redaction.js';
import { pause } from '../../upstream/remoteMcp/callerRequests.js';
import { askCallerRound } from '../../upstream/remoteMcp/modernCall.js';
import { streamSurface } from './callerRequests.js';

/** How often the round's new requests are looked for, to send on the stream. */
const SURFACE_MS = 200;

type Answer = Record<string, unknown>;

/** A prompts/get answer that asks the caller first (2026-07-28), and what the retry carries back. */
interface InputRequired {
  resultType: 'input_required';
  inputRequests?: Record<string, unknown>;
  requestState?: unknown;
}

const asksCaller = (answer: Answer): answer is Answer & InputRequired => answer.resultType === 'input_required';

/**
 * A 2025-11-25 caller's prompts/get of a remote server that answers input_required (2026-07-28):
 * each round's input requests go to the caller as requests on the prompts/get response stream,
 * with ids of Switchboard's own, whose answers come back as POSTs to any replica
 * (callerRequests.ts answerFromStream); they meet in run_requests under a key of this call's own,
 * as a tool call's do under its run (src/upstream/remoteMcp/modernCall.ts). Once a round is
 * answered the server is asked again with the answers, under its own keys, and its requestState,
 * until it gives the prompt. Each round waits within the call's deadline (UPSTREAM_TOTAL_TIMEOUT_MS)
 * and while the caller stays; the requests it may make are bounded as a run's are.
 */
export async function getPromptInStream(
  caller: { db: Db; owner: RunRequestOwner; transport: Transport | undefined; relatedRequestId: RequestId; signal: AbortSignal; timeoutMs: number },
  get: (retry: { inputResponses?: Answer; requestState?: unknown }) => Promise<Answer>,
): Promise<Answer> {
  let answer = await get({});
  if (!asksCaller(answer)) return answer;
  const surface = streamSurface(caller.db, caller.owner, caller.transport, caller.relatedRequestId);
  if (!surface) return answer;
  const relay = { owner: caller.owner, workflowId: `prompts-get/${randomUUID()}` };
  const signal = AbortSignal.any([caller.signal, AbortSignal.timeout(caller.timeoutMs)]);
  // The relayed requests were scrubbed of the connector's secrets with the rest of the answer (relay.ts).
  const scrubbed = new Redactor([]);
  while (asksCaller(answer)) {
    const round = askCallerRound(caller.db, relay, answer.inputRequests ?? {}, scrubbed, signal);
    let settled = false;
    const done = round.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      await surface.surface(relay.workflowId, 0);
      await Promise.race([done, pause(SURFACE_MS, signal)]);
    }
    answer = await get({ inputResponses: await round, ...(answer.requestState !== undefined ? { requestState: answer.requestState } : {}) });
  }
  return answer;
}
