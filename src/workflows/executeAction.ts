import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  defineSignal,
  isCancellation,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActionResult, Activities, ExecuteActionInput } from '../activities/index.js';
import { nonRetryableCodes } from '../errors.js';
import { searchAttributes } from './searchAttributes.js';

/**
 * Longer than the largest UPSTREAM_TOTAL_TIMEOUT_MS config accepts (10 min), so the activity's
 * own time-out fires first and reports which upstream was slow.
 */
const ATTEMPT_TIMEOUT = '11 minutes';

/**
 * A local activity: it runs in the worker that runs the workflow task, so a call costs no
 * server-side task dispatch (each ~50 ms on the dev server; measured in the bench) and the run
 * completes in the workflow task that started it. Retries, backoff and Retry-After delays still
 * apply; attempts and their failures are recorded in the run's history like any activity's. If
 * the worker dies mid-call, the workflow task times out and another worker runs the attempt again.
 * Shared with executePlan, so plan steps are retried exactly like single actions.
 */
export const { executeConnectorAction } = proxyLocalActivities<Activities>({
  startToCloseTimeout: ATTEMPT_TIMEOUT,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [...nonRetryableCodes],
  },
});

export type CredentialWait = NonNullable<ExecuteActionInput['awaitCredential']>;

/** Sent when the attempt a run waits for ends: the credential is active, or the user did not authorize. */
export interface CredentialSettled {
  status: 'active' | 'failed';
  reason?: string;
}

export const credentialSettledSignal = defineSignal<[CredentialSettled]>('credentialSettled');

const { watchCredential } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10 },
});

function credentialNotReady(input: ExecuteActionInput, wait: CredentialWait, why: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'CREDENTIAL_NOT_FOUND',
    message: `Credential "${wait.credentialId}" for "${input.connectorId}" was not authorized: ${why}`,
    details: [{ connectorId: input.connectorId, credentialId: wait.credentialId }],
    nonRetryable: true,
  });
}

/** Holds the run, durably, until the user finishes the authorization a URL elicitation sent them to. */
async function awaitCredential(input: ExecuteActionInput, wait: CredentialWait): Promise<void> {
  let settled: CredentialSettled | undefined;
  setHandler(credentialSettledSignal, (received) => {
    settled ??= received;
  });
  const current = await watchCredential({ ...wait, workflowId: workflowInfo().workflowId });
  if (current === 'active') return;
  if (current === 'unusable') throw credentialNotReady(input, wait, 'it is no longer pending');
  if (!(await condition(() => settled !== undefined, wait.timeoutSeconds * 1000))) {
    throw credentialNotReady(input, wait, 'the authorization link expired');
  }
  if (settled!.status !== 'active') throw credentialNotReady(input, wait, settled!.reason ?? 'the authorization failed');
}

/** execute_action: one connector action, retried on the failures a retry can fix. */
export async function executeAction(input: ExecuteActionInput): Promise<ActionResult> {
  try {
    if (input.awaitCredential) await awaitCredential(input, input.awaitCredential);
    const result = await executeConnectorAction(input);
    upsertSearchAttributes([{ key: searchAttributes.outcome, value: 'succeeded' }]);
    return result;
  } catch (error) {
    upsertSearchAttributes([{ key: searchAttributes.outcome, value: isCancellation(error) ? 'cancelled' : 'failed' }]);
    // Surface the activity's coded failure itself, so callers map it without unwrapping layers.
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
      throw ApplicationFailure.create({
        type: error.cause.type ?? 'INTERNAL_ERROR',
        message: error.cause.message,
        details: error.cause.details ?? [],
        nonRetryable: true,
      });
    }
    throw error;
  }
}
