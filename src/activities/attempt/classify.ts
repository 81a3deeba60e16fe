import type { Connector } from '../../connectors/types.js';
import type { AuthorizedRequest } from '../../credentials/authorize.js';
import { nonRetryableCodes, type ErrorDetails, type SwitchboardError } from '../../errors.js';
import { redactionScope, secretsOfAuth } from '../../secrets/redaction.js';
import { RemoteMcpError } from '../../upstream/remoteMcp/toolResults.js';
import type { Permit } from '../../upstream/throttle.js';
import type { AttemptError, AttemptInput, AttemptOutcome } from '../../workflows/contracts.js';

/**
 * The attempt's last step, shared by every transport (REST, remote MCP, hosted stdio, plugin):
 * how a coded error becomes an outcome, and the one refresh a 401 earns.
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
