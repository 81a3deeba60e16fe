import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  isCancellation,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { awaitApproval } from './approval.js';
import { callConnectorAction } from './connectorCall.js';
import { withResultRules } from './resultRules.js';
import { answeringResult } from './resultUpdate.js';
import { actionResultUpdate, credentialSettledSignal, type ActionResult, type CredentialSettled, type ExecuteActionInput, type CredentialWait } from './contracts/action.js';
import { searchAttributes } from './contracts/runs.js';
import { failureOf, toApplicationFailure } from './contracts/failures.js';

const { watchCredential } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10 },
});

function credentialNotReady(input: ExecuteActionInput, wait: CredentialWait, why: string): ApplicationFailure {
  return failureOf('CREDENTIAL_NOT_FOUND', `Credential "${wait.credentialId}" for "${input.connectorId}" was not authorized: ${why}`, {
    connectorId: input.connectorId,
    credentialId: wait.credentialId,
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

/**
 * execute_action: one connector action, retried on the failures a retry can fix; every throttle
 * wait and retry delay is a durable timer of this workflow (see connectorCall.ts). The result
 * also answers actionResultUpdate (resultUpdate.ts).
 */
export function executeAction(input: ExecuteActionInput): Promise<ActionResult> {
  return answeringResult(actionResultUpdate, async () => {
    try {
      if (input.approval) await awaitApproval(input, input.approval);
      if (input.awaitCredential) await awaitCredential(input, input.awaitCredential);
      const called = await callConnectorAction(input);
      const result = input.resultRules ? await withResultRules(input, called, input.resultRules) : called;
      upsertSearchAttributes([{ key: searchAttributes.outcome, value: 'succeeded' }]);
      return result;
    } catch (error) {
      upsertSearchAttributes([{ key: searchAttributes.outcome, value: isCancellation(error) ? 'cancelled' : 'failed' }]);
      // Surface an activity's coded failure itself, so callers map it without unwrapping layers.
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) throw toApplicationFailure(error);
      throw error;
    }
  });
}
