import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, type ClientCapabilities, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Db } from '../../db/connect.js';
import { answerRunRequest, listUnansweredRunRequests, ownsRunRequests, type PendingRunRequest, type RunRequestOwner } from '../../db/repositories/runRequests.js';
import type { RunRequestAnswer } from '../../db/tables/runRequests.js';
import type { SecretBox } from '../../secrets/secretBox.js';
import type { CallerCapabilities } from '../../workflows/contracts/action.js';

/**
 * The front door's half of relaying a remote MCP server's requests to the caller (sampling,
 * elicitation, roots; docs/tools-mode.md). The worker's attempt records each request in
 * run_requests (src/upstream/remoteMcp/callerRequests.ts); the process waiting for the run
 * surfaces it to the caller while it waits (tasks.ts awaitRun), and writes the caller's answer
 * back, which the attempt is polling for:
 * - 2025-11-25: as a request on the call's response stream, with an id of our own; the client's
 *   answer is a POST of its own, to any replica (answerFromStream).
 * - 2026-07-28: as an input_required result naming the run in its requestState; the client's
 *   retry carries the answers (acceptInputResponses) and waits for the same run again.
 */

/** The ids of relayed requests on a 2025-11-25 stream: the answer's POST says which run request it answers. */
const RELAYED_ID_PREFIX = 'switchboard-relay:';

/** How a call surfaces its run's requests to its caller. */
export interface CallerRequestSurface {
  /** Passes on the run's unanswered requests: sends them on the call's stream, or throws CallerInputRequired. */
  surface(workflowId: string, noted: number): Promise<void>;
}

/** Which of sampling, elicitation and roots a client declared: the capabilities declared to the remote server. */
export function callerCapabilitiesOf(declared: ClientCapabilities | undefined): CallerCapabilities | undefined {
  if (!declared) return undefined;
  const kept: CallerCapabilities = {
    ...(declared.sampling ? { sampling: {} } : {}),
    ...(declared.elicitation
      ? { elicitation: { ...(declared.elicitation.form || !declared.elicitation.url ? { form: {} } : {}), ...(declared.elicitation.url ? { url: {} } : {}) } }
      : {}),
    ...(declared.roots ? { roots: {} } : {}),
  };
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** Whose call it is: only they may answer its run's requests. */
interface Caller {
  auth: RunRequestOwner;
}

const ownerOf = (context: Caller): RunRequestOwner => ({ accountId: context.auth.accountId, userId: context.auth.userId });

/** 2025-11-25: each new request goes out once on the call's response stream. */
export function streamSurface(db: Db, owner: RunRequestOwner, transport: Transport | undefined, relatedRequestId: RequestId): CallerRequestSurface | undefined {
  if (!transport) return undefined;
  const sent = new Set<string>();
  return {
    async surface(workflowId) {
      for (const request of await listUnansweredRunRequests(db, owner, workflowId)) {
        if (sent.has(request.requestId)) continue;
        sent.add(request.requestId);
        await transport.send({ jsonrpc: '2.0', id: `${RELAYED_ID_PREFIX}${request.requestId}`, method: request.method, params: request.params }, { relatedRequestId });
      }
    },
  };
}

interface JsonRpcAnswer {
  id: string;
  result?: Record<string, unknown>;
  error?: { code?: unknown; message?: unknown };
}

function relayedAnswers(body: unknown): JsonRpcAnswer[] | undefined {
  const messages = Array.isArray(body) ? body : [body];
  const answers = messages.filter(
    (message): message is JsonRpcAnswer =>
      typeof message === 'object' && message !== null && typeof message.id === 'string' && message.id.startsWith(RELAYED_ID_PREFIX) && !('method' in message),
  );
  return answers.length > 0 && answers.length === messages.length ? answers : undefined;
}

/**
 * 2025-11-25: a POST that only answers relayed requests is recorded here, for the caller's own runs;
 * true when it was one (the transport would not know the ids: it sent none of them).
 */
export async function answerFromStream(db: Db, context: Caller, body: unknown): Promise<boolean> {
  const answers = relayedAnswers(body);
  if (!answers) return false;
  for (const answer of answers) {
    const recorded: RunRequestAnswer = answer.error
      ? { error: { code: typeof answer.error.code === 'number' ? answer.error.code : ErrorCode.InternalError, message: String(answer.error.message ?? 'error').slice(0, 2000) } }
      : { result: answer.result ?? {} };
    await answerRunRequest(db, ownerOf(context), answer.id.slice(RELAYED_ID_PREFIX.length), recorded);
  }
  return true;
}

/** 2026-07-28: thrown while a run waits for its caller; the protocol layer answers input_required. */
export class CallerInputRequired extends Error {
  constructor(
    readonly requests: PendingRunRequest[],
    readonly state: RelayState,
  ) {
    super("The remote server asked the caller; the call goes on once the client's retry answers");
  }
}

/**
 * What an input_required round carries back: the run the retry waits for again, the notes already
 * passed on, and which round it is (each round's requestState differs from the one before).
 */
export interface RelayState {
  workflowId: string;
  noted: number;
  round: number;
}

/** round: the number of the input_required round this call would answer (1 for a first call). */
export function mrtrSurface(db: Db, owner: RunRequestOwner, round: number): CallerRequestSurface {
  return {
    async surface(workflowId, noted) {
      const requests = await listUnansweredRunRequests(db, owner, workflowId);
      if (requests.length > 0) throw new CallerInputRequired(requests, { workflowId, noted, round });
    },
  };
}

/** The longest requestState we accept back: ours are sealed JSON of a few short fields. */
const MAX_REQUEST_STATE_CHARS = 1024;

/** Binds a requestState to its caller: sealed for one caller, it does not open for another. */
const requestStateBinding = (owner: RunRequestOwner): string => `mcp-request-state:${owner.accountId}:${owner.userId}`;

/**
 * The requestState of an input_required answer: sealed (authenticated encryption with the
 * encryption key), since the client holds it and hands it back; a changed byte fails to open.
 */
export function encodeRelayState(box: SecretBox, context: Caller, state: RelayState): string {
  return box.seal(JSON.stringify({ relay: state }), requestStateBinding(ownerOf(context)));
}

/**
 * A retry's requestState: undefined when there is none; a JSON-RPC error when it is not one we
 * sealed for this caller (tampered, forged, another caller's). It then names the run the retry
 * answers and resumes, which must still have requests of the caller's own (acceptInputResponses).
 */
export function decodeRelayState(box: SecretBox, context: Caller, raw: unknown): RelayState | undefined {
  if (raw === undefined) return undefined;
  const invalid = new McpError(ErrorCode.InvalidParams, 'Invalid requestState: it failed its integrity check');
  if (typeof raw !== 'string' || raw.length > MAX_REQUEST_STATE_CHARS) throw invalid;
  let relay: { workflowId?: unknown; noted?: unknown; round?: unknown } | undefined;
  try {
    ({ relay } = JSON.parse(box.open(raw, requestStateBinding(ownerOf(context)))) as { relay?: typeof relay });
  } catch {
    throw invalid;
  }
  if (typeof relay?.workflowId !== 'string' || typeof relay.noted !== 'number' || typeof relay.round !== 'number') throw invalid;
  return { workflowId: relay.workflowId, noted: relay.noted, round: relay.round };
}

/** The key an input request goes by on 2026-07-28: the remote server's own, else (a 2025-era server's request) our id for it. */
export const inputKeyOf = (request: PendingRunRequest): string => request.inputKey ?? request.requestId;

/**
 * 2026-07-28: a retry's answers, recorded for the run it resumes (the caller's own, or refused),
 * each by the key its request went by; keys that name no open request are ignored.
 */
export async function acceptInputResponses(db: Db, context: Caller, state: RelayState, responses: Record<string, unknown> | undefined): Promise<void> {
  const owner = ownerOf(context);
  if (!(await ownsRunRequests(db, owner, state.workflowId))) throw new McpError(ErrorCode.InvalidParams, 'Invalid requestState: no such run of yours');
  for (const request of await listUnansweredRunRequests(db, owner, state.workflowId)) {
    const result = responses?.[inputKeyOf(request)];
    if (typeof result === 'object' && result !== null) await answerRunRequest(db, owner, request.requestId, { result: result as Record<string, unknown> });
  }
}
