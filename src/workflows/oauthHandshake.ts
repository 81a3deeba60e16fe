import {
  ActivityFailure,
  type ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { searchAttributes } from './contracts/runs.js';
import { authorizationLinkUpdate, callbackSignal, type OAuthHandshakeInput, type HandshakeOutcome, type AuthorizationLink, type CallbackNotice } from './contracts/credentials.js';
import { codedFailureIn, nonRetryableCodes, toApplicationFailure } from './contracts/failures.js';

const {
  prepareAuthorization,
  finishAuthorization,
  ensureRefresher,
  notifyCredentialWaiters,
  probeRemoteMcpServer,
  fetchProtectedResourceMetadata,
  fetchAuthorizationServerMetadata,
  registerRemoteClient,
} = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '10 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [...nonRetryableCodes],
  },
});

/** RFC 9728 then RFC 8414 then registration (activities/remoteMcpDiscovery.ts): each step records what it learned for the next. */
async function discoverAndRegister(attempt: { attemptId: string }): Promise<void> {
  await probeRemoteMcpServer(attempt);
  await fetchProtectedResourceMetadata(attempt);
  await fetchAuthorizationServerMetadata(attempt);
  await registerRemoteClient(attempt);
}

// Authorization codes live about a minute, so retries must be quick and few.
const { exchangeAuthorizationCode } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 4 },
});

/** What the attempt records: an activity's error code, or (a time-out) token_exchange_failed, and why. */
function failureText(error: unknown): { error: string; errorDescription: string } {
  const coded = codedFailureIn(error);
  if (coded) return { error: coded.code, errorDescription: coded.message };
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return { error: 'token_exchange_failed', errorDescription: cause instanceof Error ? cause.message : 'unknown error' };
}

/**
 * One OAuth authorization attempt: prepare the link, wait durably for the user to come back
 * through /oauth/callback (or for the link to expire), exchange the code and store the tokens.
 */
export async function oauthHandshake(input: OAuthHandshakeInput): Promise<HandshakeOutcome> {
  let link: AuthorizationLink | undefined;
  let prepareFailure: ApplicationFailure | undefined;
  let notice: CallbackNotice | undefined;

  setHandler(authorizationLinkUpdate, async () => {
    await condition(() => link !== undefined || prepareFailure !== undefined);
    if (prepareFailure) throw prepareFailure;
    return link!;
  });
  setHandler(callbackSignal, (received) => {
    notice ??= received;
  });

  const finish = async (outcome: Omit<HandshakeOutcome, 'attemptId' | 'credentialId'>): Promise<HandshakeOutcome> => {
    if (outcome.status !== 'completed') await finishAuthorization({ attemptId: input.attemptId, ...outcome, status: outcome.status });
    // Runs started before this step existed replay without it.
    if (patched('notify-credential-waiters')) {
      await notifyCredentialWaiters({
        credentialId: input.credentialId,
        attemptId: input.attemptId,
        status: outcome.status,
        ...(outcome.error ? { error: outcome.error } : {}),
      });
    }
    upsertSearchAttributes([{ key: searchAttributes.outcome, value: outcome.status }]);
    return { attemptId: input.attemptId, credentialId: input.credentialId, ...outcome };
  };

  try {
    if (input.discoverClient) await discoverAndRegister({ attemptId: input.attemptId });
    link = await prepareAuthorization({ attemptId: input.attemptId });
  } catch (error) {
    prepareFailure = toApplicationFailure(error);
    return finish({ status: 'failed', ...failureText(error) });
  }

  const arrived = await condition(() => notice !== undefined, input.timeoutSeconds * 1000);
  if (!arrived) return finish({ status: 'expired', error: 'expired', errorDescription: 'The authorization link expired before it was used' });
  if (notice!.error) {
    return finish({ status: 'failed', error: notice!.error, ...(notice!.errorDescription ? { errorDescription: notice!.errorDescription } : {}) });
  }

  let exchanged: { hasRefreshToken: boolean };
  try {
    exchanged = await exchangeAuthorizationCode({ attemptId: input.attemptId });
  } catch (error) {
    return finish({ status: 'failed', ...failureText(error) });
  }
  if (exchanged.hasRefreshToken) {
    await ensureRefresher({
      credentialId: input.credentialId,
      accountId: input.accountId,
      userId: input.userId,
      connectorId: input.connectorId,
    });
  }
  return finish({ status: 'completed' });
}
