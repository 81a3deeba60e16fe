import type { Config } from '../../config.js';
import type { ActionDefinition, RateLimit } from '../../connectors/schema.js';
import type { Connector } from '../../connectors/types.js';
import type { AuthorizedRequest } from '../../credentials/authorize.js';
import { nonRetryableCodes, SwitchboardError, type ErrorDetails } from '../../errors.js';
import { redactionScope, scrubText, secretsOfAuth } from '../../secrets/redaction.js';
import { responseLimits, sizeOf } from '../../upstream/boundedBody.js';
import type { UpstreamResponse } from '../../upstream/http.js';
import { RemoteMcpError } from '../../upstream/remoteMcp/toolResults.js';
import { boundResult, capArrays, shapeResponse, SHAPING } from '../../upstream/shaping.js';
import type { Permit } from '../../upstream/throttle.js';
import { transportFailure, type TransportFailure } from '../../upstream/transportFailure.js';
import type { ActionResult } from '../../workflows/contracts/action.js';
import type { AttemptError, AttemptInput, AttemptOutcome } from '../../workflows/contracts/attempt.js';

/**
 * The attempt's last step, shared by every transport (REST, remote MCP, hosted stdio, plugin):
 * how a coded error becomes an outcome, the one refresh a 401 earns, a throttle slot not yet due;
 * and how a REST answer or a failed send is classified. (An MCP server's failures are described
 * as RemoteMcpErrors by its client, which knows the SDK's errors, and classified here as coded errors.)
 */

export function upstreamError(message: string, details: ErrorDetails): AttemptError {
  return { code: 'UPSTREAM_ERROR', message, details };
}

/**
 * How an attempt ends on one of our coded errors: retried unless a retry cannot fix it. An MCP
 * failure knows itself whether trying again could repeat a tool's effect. `from` names the
 * connector in the retry's reason.
 */
export function outcomeOfError(error: SwitchboardError, how: { retryable?: boolean; from?: string } = {}): AttemptOutcome {
  const retryable = how.retryable ?? (error instanceof RemoteMcpError ? error.retryable : !nonRetryableCodes.includes(error.code));
  const attemptError: AttemptError = { code: error.code, message: error.message, details: error.details };
  if (!retryable) return { kind: 'failed', error: attemptError };
  return { kind: 'retry', error: attemptError, reason: `${error.code}${how.from ? ` from ${how.from}` : ''}: ${error.message}` };
}

/**
 * One refresh after a 401: the provider may have dropped the token before its expiry. The retry
 * comes at once, as the next attempt, with the refreshed token. Undefined when the rule does not
 * apply (not a 401, no refreshable token, or this attempt already follows a refresh).
 */
export async function retryAfterRefresh(
  refused: { status: unknown; connectorId: string; error: AttemptError },
  input: Pick<AttemptInput, 'refreshOn401'>,
  auth: AuthorizedRequest | undefined,
  authorize: (rejectedToken: AuthorizedRequest) => Promise<AuthorizedRequest>,
): Promise<AttemptOutcome | undefined> {
  if (refused.status !== 401 || !auth?.refreshable || !input.refreshOn401) return undefined;
  const refreshed = await authorize(auth);
  redactionScope()?.add(secretsOfAuth(refreshed));
  return {
    kind: 'retry',
    error: refused.error,
    reason: `401 from ${refused.connectorId}; token refreshed`,
    delayMs: 0,
    tokenRefreshed: refreshed.credentialId ? { credentialId: refreshed.credentialId } : {},
  };
}

/** Permit: the throttle slot is not due yet; the workflow waits for it on a durable timer. */
export function throttled(connector: Pick<Connector, 'id'>, permit: Extract<Permit, { go: false }>): AttemptOutcome {
  return { kind: 'throttled', slot: permit.slot, waitMs: Math.ceil(permit.waitMs), reason: `throttle slot for ${connector.id}` };
}

/** Longest Retry-After we wait out inside one run; beyond it the caller is told when to come back. */
const MAX_RATE_LIMIT_WAIT_SECONDS = 120;
const ERROR_BODY_CHARS = 2000;

/** Seconds to wait from Retry-After (seconds or an HTTP date) or the connector's reset header. */
export function retryDelaySeconds(headers: Record<string, string>, rateLimit: RateLimit | undefined, now = Date.now()): number | undefined {
  const retryAfter = headers[(rateLimit?.headers?.retryAfter ?? 'retry-after').toLowerCase()];
  if (retryAfter !== undefined) {
    if (/^\s*\d+(\.\d+)?\s*$/.test(retryAfter)) return Math.max(0, Number(retryAfter));
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, (date - now) / 1000);
  }
  const resetName = rateLimit?.headers?.reset;
  const reset = resetName ? headers[resetName.toLowerCase()] : undefined;
  if (reset !== undefined && /^\d+(\.\d+)?$/.test(reset.trim())) {
    const value = Number(reset);
    switch (rateLimit?.headers?.resetUnit) {
      case 'epoch-seconds':
        return Math.max(0, value - now / 1000);
      case 'epoch-ms':
        return Math.max(0, (value - now) / 1000);
      default:
        return value;
    }
  }
  return undefined;
}

function parseBody(response: UpstreamResponse): unknown {
  if (response.text.length === 0) return null;
  try {
    return JSON.parse(response.text) as unknown;
  } catch {
    return response.text;
  }
}

/** May this request be sent again after the upstream might already have acted on it? */
export function safeToResend(action: ActionDefinition): boolean {
  return action.idempotent || action.idempotencyKeyHeader !== undefined;
}

/** Classifies a REST answer: a result, a retry (with the upstream's own delay, if any) or a failure. */
export function outcomeOfResponse(
  config: Config,
  input: AttemptInput,
  connector: Connector,
  action: ActionDefinition,
  auth: AuthorizedRequest,
  response: UpstreamResponse,
): AttemptOutcome {
  const text = scrubText(response.text);
  const credential = auth.credentialId ? { credentialId: auth.credentialId } : {};
  if (response.status >= 200 && response.status < 300) {
    if (response.cut) {
      const { bytes, setting } = responseLimits(config).upstream;
      const limit = `${sizeOf(bytes)} (${setting})`;
      // No more of it than a result keeps goes on to boundResult, which would copy the whole read twice.
      const cut = boundResult({ truncatedText: text.slice(0, SHAPING.maxResultBytes) }, [`The upstream body was larger than ${limit}; reading stopped there and it was not parsed.`]);
      return { kind: 'succeeded', result: { status: response.status, ...credential, ...cut } };
    }
    const body = parseBody({ ...response, text });
    const shaped = shapeResponse(body, action);
    const bounded = boundResult(shaped.data, shaped.notes);
    const result: ActionResult = {
      status: response.status,
      ...credential,
      data: bounded.data,
      ...(bounded.notes.length > 0 ? { notes: bounded.notes } : {}),
      ...(input.action.includeRaw ? { raw: boundResult(capArrays(body).value, []).data } : {}),
    };
    return { kind: 'succeeded', result };
  }
  const details = {
    connectorId: connector.id,
    actionId: action.id,
    status: response.status,
    body: text.length > ERROR_BODY_CHARS ? `${text.slice(0, ERROR_BODY_CHARS)}… (truncated)` : text,
  };
  const answered = `${connector.name} answered ${response.status}`;
  const wait = retryDelaySeconds(response.headers, connector.rateLimit);
  if (response.status === 429 && wait !== undefined && wait > MAX_RATE_LIMIT_WAIT_SECONDS) {
    const error = new SwitchboardError('RATE_LIMITED', `${connector.name} is rate limiting; try again in ${Math.ceil(wait)} s`, {
      ...details,
      retryAfterSeconds: Math.ceil(wait),
    });
    return outcomeOfError(error, { retryable: false });
  }
  // 503 means the upstream did not take the request on, so even a POST may be sent again.
  if (response.status === 429 || response.status === 503) {
    const hinted = wait !== undefined && wait <= MAX_RATE_LIMIT_WAIT_SECONDS;
    const hint = hinted ? `, ${response.headers['retry-after'] !== undefined ? 'Retry-After' : 'rate-limit reset in'} ${Math.ceil(wait)} s` : '';
    return {
      kind: 'retry',
      error: upstreamError(`${answered}${response.status === 429 ? ' (rate limited)' : ''}`, details),
      reason: `${response.status} from ${connector.id}${hint}`,
      ...(hinted ? { delayMs: Math.ceil(wait * 1000) } : {}),
    };
  }
  if (response.status >= 500 && safeToResend(action)) {
    return { kind: 'retry', error: upstreamError(answered, details), reason: `${response.status} from ${connector.id}` };
  }
  if (response.status >= 500) {
    return {
      kind: 'failed',
      error: upstreamError(`${answered}; not retried because ${action.id} is not idempotent and may have taken effect`, details),
    };
  }
  return { kind: 'failed', error: upstreamError(answered, details) };
}

/**
 * A send that failed below HTTP. One the worker's stop interrupted is retried after its backoff
 * (by the next worker, as the run resumes) when it may be sent again; a host that does not
 * resolve or refuses the connection gets the few attempts transportFailure allows.
 */
export function outcomeOfTransportFailure(
  error: unknown,
  call: { connector: Connector; action: ActionDefinition; host: string; interrupted: boolean },
): AttemptOutcome {
  const { connector, action, host, interrupted } = call;
  const failure: TransportFailure = interrupted
    ? { code: 'WORKER_STOPPED', sent: true, message: `The call to ${host} was interrupted: the worker stopped` }
    : transportFailure(error, host);
  const details = { connectorId: connector.id, actionId: action.id, networkError: failure.code, sent: failure.sent };
  const reason = interrupted ? `the worker stopped during the call to ${connector.id}` : `${failure.code} calling ${connector.id}`;
  if (failure.maxAttempts === 1) return { kind: 'failed', error: upstreamError(failure.message, details) };
  if (!failure.sent || safeToResend(action)) {
    return { kind: 'retry', error: upstreamError(failure.message, details), reason, ...(failure.maxAttempts ? { maxAttempts: failure.maxAttempts } : {}) };
  }
  return {
    kind: 'failed',
    error: upstreamError(`${failure.message}, after the request was sent; not retried because ${action.id} is not idempotent`, details),
  };
}
