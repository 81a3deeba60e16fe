import { Context } from '@temporalio/activity';
import { validateCallParameters } from '../../connectors/parameters.js';
import { findAction, resolveBaseUrl, resolveEnabledConnector } from '../../connectors/registry.js';
import type { ActionDefinition } from '../../connectors/schema.js';
import { callAuthorizer } from '../../credentials/authorize.js';
import { connectorForActionAuth } from '../../connectors/authVariants.js';
import type { ActivityDependencies } from '../dependencies.js';
import { redactionScope, secretsOfAuth } from '../../secrets/redaction.js';
import type { AttemptInput, AttemptOutcome } from '../../workflows/contracts/attempt.js';
import { checkUrl, createUpstreamAgent } from '../../upstream/egress.js';
import { outcomeOfResponse, outcomeOfTransportFailure, retryAfterRefresh, retryDelaySeconds, safeToResend, throttled, upstreamError } from './classify.js';
import { buildUpstreamRequest } from '../../upstream/request.js';
import { markSending, sendMarkClearer } from '../../db/repositories/upstreamSends.js';
import { openAttempt, type OpenedAttempt } from './opening.js';
import { createThrottleClient, feedbackOf, type Permit } from '../../upstream/throttle.js';
import { callUpstream, switchboardErrorIn, type UpstreamResponse } from '../../upstream/http.js';
import type { AttemptControl } from '../lanes.js';

/** The attempt's identity, the same when a crashed workflow task is run again on another worker. */
function inFlightKey(): string {
  const { workflowExecution, activityId } = Context.current().info;
  return `${workflowExecution?.workflowId}/${workflowExecution?.runId}/${activityId}`;
}

/** The in-flight mark of this attempt was already there: an earlier run of it may have sent. */
class SentBeforeError extends Error {}

/**
 * The REST transport of the attempt pipeline (pipeline.ts): resolve (the short way, opening.ts,
 * when nothing its front door read has changed), authorize, permit (throttle slot and in-flight
 * mark), send once; the answer is classified by classify.ts.
 */
export function createRestTransport(deps: ActivityDependencies) {
  const agent = createUpstreamAgent(deps.config);
  const { egress, upstream } = deps.config;
  const throttle = createThrottleClient(deps.db);
  const sendMarks = sendMarkClearer(deps.db);

  /** What ends a send early: the activity's cancellation, or the end of the worker's shutdown grace. */
  function interruption(): AbortSignal {
    const cancelled = Context.current().cancellationSignal;
    return deps.workerStopping ? AbortSignal.any([cancelled, deps.workerStopping]) : cancelled;
  }

  const lanePropertiesOf = (action: ActionDefinition) => ({ longRunning: action.longRunning, resendable: safeToResend(action) });
  /** A request we may not send twice is marked while in flight, under this attempt's identity. */
  const sendKeyOf = (action: ActionDefinition) => (safeToResend(action) ? undefined : inFlightKey());

  /**
   * One REST attempt: throttle slot, then at most one send. Opened the short way (one statement,
   * opening.ts) when nothing its front door read has changed; a mark that opening made is
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
      return outcomeOfTransportFailure(error, { connector, action, host: request.url.host, interrupted: deps.workerStopping?.aborted === true });
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
    const refused = {
      status: response.status,
      connectorId: connector.id,
      error: upstreamError(`${connector.name} answered ${response.status}`, { connectorId: connector.id, actionId: action.id, status: response.status }),
    };
    return (await retryAfterRefresh(refused, input, auth, authorize)) ?? outcomeOfResponse(deps.config, input, connector, action, auth, response);
  }

  return attemptRest;
}
