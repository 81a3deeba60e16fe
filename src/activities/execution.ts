import { Context } from '@temporalio/activity';
import { validateCallParameters } from '../connectors/parameters.js';
import { findAction, resolveBaseUrl, resolveEnabledConnector } from '../connectors/registry.js';
import type { Connector } from '../connectors/types.js';
import type { ActionDefinition, RateLimit } from '../connectors/schema.js';
import { callAuthorizer, type AuthorizedRequest } from '../credentials/authorize.js';
import { connectorForActionAuth } from '../connectors/authVariants.js';
import { nonRetryableCodes, SwitchboardError, type ErrorDetails } from '../errors.js';
import type { ActivityDependencies } from './dependencies.js';
import { redactionScope, scrubText, secretsOfAuth, withRedaction } from '../secrets/redaction.js';
import { isRemoteMcpConnectorId } from '../remoteMcp/connector.js';
import type { ActionResult, AttemptError, AttemptInput, AttemptOutcome } from '../workflows/contracts.js';
import { checkUrl, createUpstreamAgent } from '../upstream/egress.js';
import { attemptRemoteMcpTool } from '../upstream/remoteMcp/client.js';
import { appendRunNote } from '../db/repositories/runNotes.js';
import type { RunNote } from '../db/tables/runNotes.js';
import { attemptPluginAction } from '../upstream/plugins/attempt.js';
import { isPluginConnectorId } from '../plugins/connector.js';
import { buildUpstreamRequest } from '../upstream/request.js';
import { boundResult, capArrays, shapeResponse, SHAPING } from '../upstream/shaping.js';
import { markSending, sendMarkClearer } from '../db/repositories/upstreamSends.js';
import { openAttempt, type OpenedAttempt } from './attemptOpening.js';
import { createThrottleClient, feedbackOf, type Permit, type ThrottleKey } from '../upstream/throttle.js';
import { responseLimits, sizeOf } from '../upstream/boundedBody.js';
import { callUpstream, switchboardErrorIn, type UpstreamResponse } from '../upstream/http.js';
import { transportFailure, type TransportFailure } from '../upstream/transportFailure.js';
import type { Capacity } from './capacity.js';
import { createAttemptLanes, type AttemptControl } from './lanes.js';

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

/** The attempt's identity, the same when a crashed workflow task is run again on another worker. */
function inFlightKey(): string {
  const { workflowExecution, activityId } = Context.current().info;
  return `${workflowExecution?.workflowId}/${workflowExecution?.runId}/${activityId}`;
}

/** May this request be sent again after the upstream might already have acted on it? */
function safeToResend(action: ActionDefinition): boolean {
  return action.idempotent || action.idempotencyKeyHeader !== undefined;
}

/** How an attempt ends on one of our coded errors: retried unless a retry cannot fix it. */
function outcomeOfError(error: SwitchboardError, retryable = !nonRetryableCodes.includes(error.code)): AttemptOutcome {
  const attemptError: AttemptError = { code: error.code, message: error.message, details: error.details };
  return retryable ? { kind: 'retry', error: attemptError, reason: `${error.code}: ${error.message}` } : { kind: 'failed', error: attemptError };
}

/** The in-flight mark of this attempt was already there: an earlier run of it may have sent. */
class SentBeforeError extends Error {}

function upstreamError(message: string, details: ErrorDetails): AttemptError {
  return { code: 'UPSTREAM_ERROR', message, details };
}

function throttled(connector: Connector, permit: Extract<Permit, { go: false }>): AttemptOutcome {
  return { kind: 'throttled', slot: permit.slot, waitMs: Math.ceil(permit.waitMs), reason: `throttle slot for ${connector.id}` };
}

export function createExecutionActivities(deps: ActivityDependencies, capacity: Capacity) {
  const agent = createUpstreamAgent(deps.config);
  const { egress, upstream } = deps.config;
  const throttle = createThrottleClient(deps.db);
  const sendMarks = sendMarkClearer(deps.db);
  const permitFor = (key: ThrottleKey, rateLimit: RateLimit | undefined, held: AttemptInput['slot']): Promise<Permit> =>
    rateLimit ? throttle.permit(key, rateLimit, held) : Promise.resolve({ go: true, waitedMs: 0 });

  /** Classifies an upstream answer: a result, a retry (with the upstream's own delay, if any) or a failure. */
  function outcomeOfResponse(
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
        const { bytes, setting } = responseLimits(deps.config).upstream;
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
      return outcomeOfError(error, false);
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

  /** What ends a send early: the activity's cancellation, or the end of the worker's shutdown grace. */
  function interruption(): AbortSignal {
    const cancelled = Context.current().cancellationSignal;
    return deps.workerStopping ? AbortSignal.any([cancelled, deps.workerStopping]) : cancelled;
  }

  /**
   * A send that failed below HTTP. One the worker's stop interrupted is retried after its backoff
   * (by the next worker, as the run resumes) when it may be sent again; a host that does not
   * resolve or refuses the connection gets the few attempts transportFailure allows.
   */
  function outcomeOfTransportFailure(error: unknown, connector: Connector, action: ActionDefinition, host: string): AttemptOutcome {
    const interrupted = deps.workerStopping?.aborted === true;
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

  const lanePropertiesOf = (action: ActionDefinition) => ({ longRunning: action.longRunning, resendable: safeToResend(action) });
  /** A request we may not send twice is marked while in flight, under this attempt's identity. */
  const sendKeyOf = (action: ActionDefinition) => (safeToResend(action) ? undefined : inFlightKey());

  /**
   * One REST attempt: throttle slot, then at most one send. Opened the short way (one statement,
   * attemptOpening.ts) when nothing its front door read has changed; a mark that opening made is
   * cleared however the attempt ends.
   */
  async function attemptRest(input: AttemptInput, control: AttemptControl): Promise<AttemptOutcome> {
    // The lane hears what the action is before the opening statement takes a slot or a mark for it.
    const opened = await openAttempt(deps.db, input, { sendKeyOf, sendMarks, resolved: (action) => control.resolved(lanePropertiesOf(action)) });
    try {
      return await sendRest(input, control, opened);
    } catch (error) {
      if (opened?.marked) sendMarks.clear(inFlightKey());
      throw error;
    }
  }

  async function sendRest(input: AttemptInput, control: AttemptControl, opened: OpenedAttempt | undefined): Promise<AttemptOutcome> {
    const { action: call } = input;
    const connector = opened?.connector ?? (await resolveEnabledConnector(deps.db, call.accountId, call.connectorId));
    const action = findAction(connector, call.actionId);
    if (!opened) control.resolved(lanePropertiesOf(action));
    // What is sent is checked here, where it is sent: a plan step's values are known only now.
    const parameters = validateCallParameters(connector, action, call.parameters);
    const authorize = callAuthorizer(deps, call, connectorForActionAuth(connector, action), opened?.credential);
    const auth = await authorize();
    redactionScope()?.add(secretsOfAuth(auth));
    const request = buildUpstreamRequest({
      baseUrl: resolveBaseUrl(connector),
      action,
      parameters,
      auth,
      // Stable across attempts of this run, so the upstream can drop a repeated request.
      idempotencyKey: Context.current().info.workflowExecution?.workflowId,
    });
    checkUrl(egress, request.url);
    control.prepared();
    // Every attempt, retries included, takes a slot from the (account, connector, credential) throttle.
    const throttleKey = { accountId: call.accountId, connectorId: connector.id, ...(auth.credentialId ? { credentialId: auth.credentialId } : {}) };
    // A request we may not send twice is marked while in flight. Finding the mark means an
    // earlier run of this very attempt died mid-call (a killed worker): it may have acted. The
    // mark is made in the throttle's last stretch (30 ms) before the slot, so that nothing but
    // the send itself stands between the slot and the request.
    const sendKey = sendKeyOf(action);
    let marked = opened?.marked ? true : opened?.sentBefore ? false : undefined;
    const markSend = async () => {
      if (sendKey && marked === undefined) marked = await markSending(deps.db, sendKey);
      if (marked === false) throw new SentBeforeError();
    };
    let permit: Permit;
    try {
      if (connector.rateLimit) {
        permit = await throttle.permit(throttleKey, connector.rateLimit, opened?.slot ?? input.slot, markSend, opened?.slot !== undefined);
      } else {
        await markSend();
        permit = { go: true, waitedMs: 0 };
      }
    } catch (error) {
      if (error instanceof SentBeforeError) {
        return {
          kind: 'failed',
          error: upstreamError(
            `A previous attempt may already have sent this request (its worker stopped before the answer); not sent again because ${action.id} is not idempotent`,
            { connectorId: connector.id, actionId: action.id, sent: 'unknown' },
          ),
        };
      }
      if (sendKey && marked) sendMarks.clear(sendKey);
      throw error;
    }
    if (!permit.go) {
      if (sendKey && marked) sendMarks.clear(sendKey);
      return throttled(connector, permit);
    }
    const started = Date.now();
    let response: UpstreamResponse;
    try {
      control.sending();
      response = await callUpstream(agent, request, upstream, AbortSignal.any([control.signal, interruption()]));
    } catch (error) {
      const refused = switchboardErrorIn(error);
      if (refused) throw refused;
      // Given up (cancelled, or moved to the slow lane from the queue): nobody wants its outcome.
      if (control.signal.aborted) throw error;
      return outcomeOfTransportFailure(error, connector, action, request.url.host);
    } finally {
      // The outcome is known (and handled by the rules above): a retry may decide afresh.
      if (sendKey) sendMarks.clear(sendKey);
    }
    deps.logger.debug(
      { connectorId: connector.id, actionId: action.id, host: request.url.host, status: response.status, attempt: input.attempt, ms: Date.now() - started },
      'upstream call',
    );
    if (connector.rateLimit) {
      const feedback = feedbackOf(response.status, response.headers, connector.rateLimit, retryDelaySeconds(response.headers, connector.rateLimit));
      if (feedback) await throttle.report(throttleKey, connector.rateLimit, feedback);
    }
    // One refresh after a 401: the provider may have dropped the token before its expiry. The
    // retry comes at once, as the next attempt, with the refreshed token.
    if (response.status === 401 && auth.refreshable && input.refreshOn401) {
      const refreshed = await authorize(auth);
      redactionScope()?.add(secretsOfAuth(refreshed));
      return {
        kind: 'retry',
        error: upstreamError(`${connector.name} answered 401`, { connectorId: connector.id, actionId: action.id, status: 401 }),
        reason: `401 from ${connector.id}; token refreshed`,
        delayMs: 0,
        tokenRefreshed: refreshed.credentialId ? { credentialId: refreshed.credentialId } : {},
      };
    }
    return outcomeOfResponse(input, connector, action, auth, response);
  }

  /**
   * One attempt of a connector call, with no retries of its own: it reserves a throttle slot and,
   * when the slot is due (within the final approach), sends once and classifies the answer. It
   * never waits longer: later slots, backoff and Retry-After are the workflow's durable timers.
   * The credential is opened here and never leaves, so no secret reaches history: every secret it
   * uses is scrubbed from its outcome, its error and its log lines (secrets/redaction.ts), also
   * when the outcome is collected after a hand-off.
   */
  /** A remote MCP tool's or a plugin's throttle slot, per (account, connector): an outcome when it is not due yet. */
  const toolPermit = (input: AttemptInput, control: AttemptControl) => (connector: Connector) => {
    control.prepared();
    return permitFor({ accountId: input.action.accountId, connectorId: connector.id }, connector.rateLimit, input.slot).then((permit) =>
      permit.go ? undefined : throttled(connector, permit),
    );
  };

  const attempt = (input: AttemptInput, control: AttemptControl): Promise<AttemptOutcome> =>
    withRedaction(async () => {
      try {
        // Remote MCP tools and plugins share this workflow and activity (and so its retries and throttling).
        if (isRemoteMcpConnectorId(input.action.connectorId)) {
          const workflowId = Context.current().info.workflowExecution?.workflowId;
          const relay = workflowId ? (note: RunNote) => appendRunNote(deps.db, workflowId, note) : undefined;
          const { callerCapabilities, accountId, userId } = input.action;
          const askCaller = workflowId && callerCapabilities ? { capabilities: callerCapabilities, workflowId, owner: { accountId, userId } } : undefined;
          return await attemptRemoteMcpTool(deps, input, toolPermit(input, control), control.signal, relay, askCaller);
        }
        if (isPluginConnectorId(input.action.connectorId)) {
          return await attemptPluginAction(deps, input, toolPermit(input, control), control.signal);
        }
        return await attemptRest(input, control);
      } catch (error) {
        if (error instanceof SwitchboardError) return outcomeOfError(error);
        throw error;
      }
    });

  return createAttemptLanes(deps, capacity, attempt);
}
