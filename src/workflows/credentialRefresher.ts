import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { nonRetryableCodes } from './contracts/failures.js';
import { refreshUpdate, revokeUpdate, tokensChangedSignal, type CredentialRefresherInput, type RefreshRequest, type RefreshResult } from './contracts/credentials.js';

// Network errors and 5xx back off and retry; invalid_grant comes back as a status, not a failure.
const { refreshCredentialTokens } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [...nonRetryableCodes],
  },
});
const { refreshSchedule, revokeCredentialTokens } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});

/** A refresh token is kept alive by using it at least this often, even when the access token never expires. */
const KEEP_ALIVE_MS = 7 * 24 * 3600 * 1000;

/**
 * The one place a credential's tokens change after the handshake. Every refresh (proactive, on
 * demand before an action, after an upstream 401) and the revocation run here, one at a time,
 * so replicas never race each other for a rotating refresh token.
 */
export async function credentialRefresher(input: CredentialRefresherInput): Promise<void> {
  let inflight: Promise<RefreshResult> | undefined;
  let wake = false;
  let stopped = false;

  const refresh = (request: RefreshRequest | { reason: 'scheduled' }): Promise<RefreshResult> => {
    // Callers arriving while a refresh runs share it: that is the single flight.
    const running =
      inflight ??
      refreshCredentialTokens({ credentialId: input.credentialId, ...request }).finally(() => {
        inflight = undefined;
        wake = true;
      });
    inflight = running;
    return running;
  };

  setHandler(refreshUpdate, (request) => refresh(request), {
    validator: (_request) => {
      if (stopped) throw new Error('The credential has been revoked');
    },
  });
  setHandler(revokeUpdate, async () => {
    stopped = true;
    await inflight?.catch(() => undefined);
    return revokeCredentialTokens({ credentialId: input.credentialId });
  });
  setHandler(tokensChangedSignal, () => {
    wake = true;
  });

  while (!stopped) {
    const schedule = await refreshSchedule({ credentialId: input.credentialId });
    if (!schedule.active) break;
    wake = false;
    const dueAt = schedule.refreshAt ?? Date.now() + KEEP_ALIVE_MS;
    const woken = await condition(() => wake || stopped, Math.max(1, dueAt - Date.now()));
    if (stopped) break;
    if (!woken) {
      await refresh({ reason: 'scheduled' }).catch(() => undefined);
      await condition(allHandlersFinished);
      // One run per token lifetime keeps histories short however long the credential lives.
      await continueAsNew<typeof credentialRefresher>(input);
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof credentialRefresher>(input);
    }
  }
  await condition(allHandlersFinished);
}
