import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/connect.js';
import { insertAttempt } from '../db/repositories/oauth.js';
import { isRemoteMcpConnectorId } from '../remoteMcp/connector.js';
import { ServiceUnavailableError, SwitchboardError } from '../errors.js';
import { newId } from '../secrets/tokens.js';
import type { TemporalHandle } from './temporal.js';
import { searchAttributes, workflowTypes, type CredentialRefresherWorkflow, type OAuthHandshakeWorkflow } from '../workflows/contracts/runs.js';
import { refreshUpdate, revokeUpdate, tokensChangedSignal, authorizationLinkUpdate, callbackSignal, type CallbackNotice, type CredentialRefresherInput, type HandshakeOutcome, type RefreshRequest, type RefreshResult, type RevokeResult } from '../workflows/contracts/credentials.js';
import { codedFailureIn } from '../workflows/contracts/failures.js';
import type { HandshakeStart, OAuthFlows } from '../credentials/ports.js';

type StarterDependencies = { db: Db; temporal: TemporalHandle; config: Pick<Config, 'oauth'> };

/** The credentials' OAuthFlows port, over the oauthHandshake and credentialRefresher workflows. */
export function temporalOAuthFlows(deps: StarterDependencies): OAuthFlows {
  return {
    startHandshake: (input) => startHandshake(deps, input),
    refresh: (owner, request) => requestRefresh(deps.temporal, owner, request),
    revoke: (owner) => revokeThroughRefresher(deps.temporal, owner),
  };
}

function attributes(input: { accountId: string; userId: string; connectorId: string }, runKind: string) {
  return [
    { key: searchAttributes.accountId, value: input.accountId },
    { key: searchAttributes.userId, value: input.userId },
    { key: searchAttributes.connectorId, value: input.connectorId },
    { key: searchAttributes.runKind, value: runKind },
  ];
}

/** Turns a failed update into our coded error; its message names the cause and never a secret. */
function updateError(error: unknown, what: string): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  if (error instanceof WorkflowUpdateFailedError) {
    const coded = codedFailureIn(error.cause);
    if (coded?.code === 'INVALID_REQUEST' || coded?.code === 'CONNECTOR_NOT_FOUND') return new SwitchboardError(coded.code, coded.message);
    // The provider refused us, or a remote MCP server (or its authorization server) is not set up
    // as the MCP authorization spec asks: no retry helps, the upstream must change.
    if (coded?.code === 'UPSTREAM_REJECTED') return new SwitchboardError('UPSTREAM_ERROR', `${what}: ${coded.message}`);
    return new ServiceUnavailableError(`${what}: ${coded?.message ?? error.cause?.message ?? error.message}`);
  }
  return new ServiceUnavailableError(`${what}: ${(error as Error).message}`);
}

/**
 * Starts one oauthHandshake run (oauth-handshake/<attemptId>) and waits for the authorization
 * link its first activity builds.
 */
async function startHandshake(
  deps: StarterDependencies,
  input: {
    accountId: string;
    userId: string;
    connectorId: string;
    credentialId: string;
    callbackUrl: string;
    redirectUri: string | null;
  },
): Promise<HandshakeStart> {
  const attemptId = newId('oauth');
  const timeoutSeconds = deps.config.oauth.handshakeTimeoutSeconds;
  // A remote MCP server's sign-in discovers every time: its authorization server may have moved
  // (SEP-2352), and its challenge may ask for more scopes. Registration is kept while it has not.
  const discoverClient = isRemoteMcpConnectorId(input.connectorId);
  await insertAttempt(deps.db, { ...input, id: attemptId, expiresAt: new Date(Date.now() + timeoutSeconds * 1000) });
  try {
    const handle = await deps.temporal.client.workflow.start<OAuthHandshakeWorkflow>(workflowTypes.oauthHandshake, {
      workflowId: handshakeWorkflowId(attemptId),
      taskQueue: deps.temporal.taskQueue,
      args: [{ attemptId, accountId: input.accountId, userId: input.userId, connectorId: input.connectorId, credentialId: input.credentialId, timeoutSeconds, ...(discoverClient ? { discoverClient } : {}) }],
      typedSearchAttributes: attributes(input, 'oauth-handshake'),
      requestEagerStart: true,
    });
    const link = await handle.executeUpdate(authorizationLinkUpdate);
    return { attemptId, ...link };
  } catch (error) {
    throw updateError(error, 'Could not start the OAuth handshake');
  }
}

const handshakeWorkflowId = (attemptId: string) => `oauth-handshake/${attemptId}`;

/**
 * Tells an attempt's handshake that the provider called back, then waits up to waitMs for how it
 * ended: undefined when the code exchange is not done by then (the attempt row says where it is).
 */
export async function deliverCallback(temporal: TemporalHandle, attemptId: string, notice: CallbackNotice, waitMs: number): Promise<HandshakeOutcome | undefined> {
  const handle = temporal.client.workflow.getHandle<OAuthHandshakeWorkflow>(handshakeWorkflowId(attemptId));
  await handle.signal(callbackSignal, notice);
  return Promise.race([handle.result(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), waitMs).unref())]);
}
export const refresherWorkflowId = (credentialId: string) => `credential-refresher/${credentialId}`;

function refresherStart(temporal: TemporalHandle, input: CredentialRefresherInput) {
  return new WithStartWorkflowOperation<CredentialRefresherWorkflow>(workflowTypes.credentialRefresher, {
    workflowId: refresherWorkflowId(input.credentialId),
    taskQueue: temporal.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: attributes(input, 'credential-refresher'),
  });
}

/**
 * Asks the credential's refresher to refresh, starting it if it isn't running. All replicas go
 * through this one workflow, which is what makes a refresh single-flight.
 */
function requestRefresh(temporal: TemporalHandle, input: CredentialRefresherInput, request: RefreshRequest): Promise<RefreshResult> {
  // Identical requests from this process share one update. Only load shedding (servers cap
  // in-flight updates per workflow): the single flight itself is the workflow's, across replicas.
  const key = `${input.credentialId}:${request.reason}:${request.seenTokenHash ?? ''}`;
  const pending = pendingRefreshes.get(key);
  if (pending) return pending;
  const started = temporal.client.workflow
    .executeUpdateWithStart(refreshUpdate, { args: [request], startWorkflowOperation: refresherStart(temporal, input) })
    .catch((error: unknown) => {
      throw updateError(error, 'Refreshing the OAuth token failed');
    })
    .finally(() => pendingRefreshes.delete(key));
  pendingRefreshes.set(key, started);
  return started;
}

const pendingRefreshes = new Map<string, Promise<RefreshResult>>();

/** Revokes at the provider and drops the tokens, in line behind any refresh in flight; the refresher then ends. */
async function revokeThroughRefresher(temporal: TemporalHandle, input: CredentialRefresherInput): Promise<RevokeResult> {
  try {
    return await temporal.client.workflow.executeUpdateWithStart(revokeUpdate, {
      startWorkflowOperation: refresherStart(temporal, input),
    });
  } catch (error) {
    throw updateError(error, 'Revoking the OAuth credential failed');
  }
}

/** Starts the refresher, or tells a running one that the tokens changed. */
export async function ensureRefresherRunning(temporal: TemporalHandle, input: CredentialRefresherInput): Promise<void> {
  await temporal.client.workflow.signalWithStart<CredentialRefresherWorkflow, []>(workflowTypes.credentialRefresher, {
    workflowId: refresherWorkflowId(input.credentialId),
    taskQueue: temporal.taskQueue,
    args: [input],
    signal: tokensChangedSignal,
    typedSearchAttributes: attributes(input, 'credential-refresher'),
  });
}
