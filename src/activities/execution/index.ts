import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { findAction, resolveBaseUrl, resolveConnector } from '../../connectors/registry.js';
import type { ActionDefinition, RateLimit } from '../../connectors/schema.js';
import { authorizeRequest, type AuthorizedRequest } from '../../credentials/authorize.js';
import { ForbiddenError, nonRetryableCodes, SwitchboardError, type ErrorDetails } from '../../errors.js';
import type { ActivityDependencies } from '../index.js';
import { redactEachCall, redactionScope, scrubText, secretsOfAuth } from '../../secrets/redaction.js';
import { isRemoteMcpConnectorId } from '../../mcpConnectors/connector.js';
import { checkUrl, createUpstreamAgent } from './egress.js';
import { executeRemoteMcpTool } from './remoteMcp.js';
import { buildUpstreamRequest, type UpstreamRequest } from './request.js';
import { boundResult, capArrays, shapeResponse } from './shaping.js';
import { clearSending, markSending } from '../../db/repositories/upstreamSends.js';
import { createThrottleClient, feedbackOf } from './throttle.js';
import { callUpstream, errorCodeOf, switchboardErrorIn, wasNotSent, type UpstreamResponse } from './upstream.js';

/** Input of the executeAction workflow: ids and parameters only, never a secret. */
export interface ExecuteActionInput {
  accountId: string;
  userId: string;
  serverId: string;
  connectorId: string;
  actionId: string;
  parameters: Record<string, unknown>;
  credentialId?: string;
  /** Also return the unshaped body (arrays capped, size-bounded): plan steps resolve references from it. */
  includeRaw?: boolean;
  /** Wait (durably, up to timeoutSeconds) for the user to authorize credentialId before the call. */
  awaitCredential?: { credentialId: string; attemptId: string; timeoutSeconds: number };
}

export interface ActionResult {
  /** The upstream's HTTP status. */
  status: number;
  credentialId?: string;
  /** The shaped response body (see shaping.ts). */
  data: unknown;
  /** Present when the result was shaped or cut, saying how. */
  notes?: string[];
  /** With includeRaw: the parsed body before shaping. */
  raw?: unknown;
}

/** Longest Retry-After we wait out inside one run; beyond it the caller is told when to come back. */
const MAX_RATE_LIMIT_WAIT_SECONDS = 120;
const ERROR_BODY_CHARS = 2000;

export function toFailure(error: SwitchboardError, nonRetryable = nonRetryableCodes.includes(error.code)): ApplicationFailure {
  return ApplicationFailure.create({
    type: error.code,
    message: error.message,
    details: [error.details],
    nonRetryable,
  });
}

function upstreamFailure(message: string, details: ErrorDetails, nonRetryable: boolean, nextRetryDelayMs?: number) {
  return ApplicationFailure.create({
    type: 'UPSTREAM_ERROR',
    message,
    details: [details],
    nonRetryable,
    ...(nextRetryDelayMs !== undefined ? { nextRetryDelay: nextRetryDelayMs } : {}),
  });
}

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

export function createExecutionActivities(deps: ActivityDependencies) {
  const agent = createUpstreamAgent(deps.config);
  const { egress, upstream } = deps.config;
  const throttle = createThrottleClient(deps.db);

  // Every secret a call uses is scrubbed from its result, its error and its log lines (secrets/redaction.ts).
  return redactEachCall({
    /**
     * Loads the connector, authorizes, calls the upstream and shapes the answer, all in one
     * activity: the credential is opened here and never leaves it, so no secret reaches history.
     */
    async executeConnectorAction(input: ExecuteActionInput): Promise<ActionResult> {
      // Remote MCP tools share this workflow and activity (and so its retries and throttling).
      if (isRemoteMcpConnectorId(input.connectorId)) {
        return executeRemoteMcpTool(deps, input, (connector) =>
          throttle.acquire({ accountId: input.accountId, connectorId: connector.id }, connector.rateLimit),
        );
      }
      try {
        const connector = await resolveConnector(deps.db, input.accountId, input.connectorId);
        if (!connector.settings.enabled) {
          throw new ForbiddenError(`Connector "${connector.id}" is disabled for this account`, { connectorId: connector.id });
        }
        const action = findAction(connector, input.actionId);
        const authorize = (rejectedToken?: AuthorizedRequest) =>
          authorizeRequest(deps, {
            accountId: input.accountId,
            userId: input.userId,
            connector,
            ...(input.credentialId ? { credentialId: input.credentialId } : {}),
            ...(rejectedToken ? { credentialId: rejectedToken.credentialId, rejectedToken } : {}),
          });
        const send = async (auth: AuthorizedRequest): Promise<{ request: UpstreamRequest; response: UpstreamResponse }> => {
          redactionScope()?.add(secretsOfAuth(auth));
          const request = buildUpstreamRequest({
            baseUrl: resolveBaseUrl(connector),
            action,
            parameters: input.parameters,
            auth,
            // Stable across attempts of this run, so the upstream can drop a repeated request.
            idempotencyKey: Context.current().info.workflowExecution?.workflowId,
          });
          checkUrl(egress, request.url);
          // Every attempt, retries included, waits for a permit from the (account, connector, credential) throttle.
          const throttleKey = { accountId: input.accountId, connectorId: connector.id, ...(auth.credentialId ? { credentialId: auth.credentialId } : {}) };
          if (connector.rateLimit) await throttle.acquire(throttleKey, connector.rateLimit);
          // A request we may not send twice is marked while in flight. Finding the mark means an
          // earlier run of this very attempt died mid-call (a killed worker): it may have acted.
          const sendKey = safeToResend(action) ? undefined : inFlightKey();
          if (sendKey && !(await markSending(deps.db, sendKey))) {
            throw upstreamFailure(
              `A previous attempt may already have sent this request (its worker stopped before the answer); not sent again because ${action.id} is not idempotent`,
              { connectorId: connector.id, actionId: action.id, sent: 'unknown' },
              true,
            );
          }
          try {
            const response = await callUpstream(agent, request, upstream.totalTimeoutMs);
            const wait = retryDelaySeconds(response.headers, connector.rateLimit);
            const feedback = feedbackOf(response.status, response.headers, connector.rateLimit, wait);
            if (feedback && connector.rateLimit) await throttle.report(throttleKey, connector.rateLimit, feedback);
            return { request, response };
          } catch (error) {
            const refused = switchboardErrorIn(error);
            if (refused) throw refused;
            const code = errorCodeOf(error) ?? 'UNKNOWN';
            const notSent = wasNotSent(error);
            const details = { connectorId: connector.id, actionId: action.id, networkError: code, sent: !notSent };
            if (notSent || safeToResend(action)) {
              throw upstreamFailure(`Calling ${request.url.host} failed (${code})`, details, false);
            }
            throw upstreamFailure(
              `Calling ${request.url.host} failed (${code}) after the request was sent; not retried because ${action.id} is not idempotent`,
              details,
              true,
            );
          } finally {
            // The outcome is known (and handled by the rules above): a retry may decide afresh.
            if (sendKey) await clearSending(deps.db, sendKey).catch(() => undefined);
          }
        };
        const started = Date.now();
        let auth = await authorize();
        let { request, response } = await send(auth);
        // One refresh and one retry after a 401: the provider may have dropped the token before its expiry.
        if (response.status === 401 && auth.refreshable) {
          auth = await authorize(auth);
          ({ request, response } = await send(auth));
        }
        deps.logger.debug(
          { connectorId: connector.id, actionId: action.id, host: request.url.host, status: response.status, ms: Date.now() - started },
          'upstream call',
        );
        const text = scrubText(response.text);
        if (response.status >= 200 && response.status < 300) {
          if (response.cut) {
            return {
              status: response.status,
              ...(auth.credentialId ? { credentialId: auth.credentialId } : {}),
              ...boundResult({ truncatedText: text }, [
                `The upstream body was larger than 5 MB; reading stopped there and it was not parsed.`,
              ]),
            };
          }
          const body = parseBody({ ...response, text });
          const shaped = shapeResponse(body, action);
          const bounded = boundResult(shaped.data, shaped.notes);
          return {
            status: response.status,
            ...(auth.credentialId ? { credentialId: auth.credentialId } : {}),
            data: bounded.data,
            ...(bounded.notes.length > 0 ? { notes: bounded.notes } : {}),
            ...(input.includeRaw ? { raw: boundResult(capArrays(body).value, []).data } : {}),
          };
        }
        const details = {
          connectorId: connector.id,
          actionId: action.id,
          status: response.status,
          body: text.length > ERROR_BODY_CHARS ? `${text.slice(0, ERROR_BODY_CHARS)}… (truncated)` : text,
        };
        if (response.status === 429) {
          const wait = retryDelaySeconds(response.headers, connector.rateLimit);
          if (wait !== undefined && wait > MAX_RATE_LIMIT_WAIT_SECONDS) {
            throw toFailure(
              new SwitchboardError('RATE_LIMITED', `${connector.name} is rate limiting; try again in ${Math.ceil(wait)} s`, {
                ...details,
                retryAfterSeconds: Math.ceil(wait),
              }),
              true,
            );
          }
          throw upstreamFailure(`${connector.name} answered 429 (rate limited)`, details, false, wait === undefined ? undefined : Math.ceil(wait * 1000));
        }
        // 503 means the upstream did not take the request on, so even a POST may be sent again.
        if (response.status === 503 || (response.status >= 500 && safeToResend(action))) {
          throw upstreamFailure(`${connector.name} answered ${response.status}`, details, false);
        }
        if (response.status >= 500) {
          throw upstreamFailure(
            `${connector.name} answered ${response.status}; not retried because ${action.id} is not idempotent and may have taken effect`,
            details,
            true,
          );
        }
        throw upstreamFailure(`${connector.name} answered ${response.status}`, details, true);
      } catch (error) {
        if (error instanceof SwitchboardError) throw toFailure(error);
        throw error;
      }
    },
  });
}
