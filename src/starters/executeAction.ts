import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ExecuteActionInput } from '../workflows/contracts.js';
import { isTemporalUnavailable, ServiceUnavailableError, SwitchboardError, type ErrorDetails } from '../errors.js';
import type { TemporalHandle } from './temporal.js';
import { codedFailureIn, searchAttributes } from '../workflows/contracts.js';
import { workflowTypes, type ExecuteActionWorkflow } from '../workflows/contracts.js';

export type { ActionResult, ExecuteActionInput } from '../workflows/contracts.js';

/** Options of an executeAction run; POST /api/runs passes a workflow id derived from its Idempotency-Key. */
export function actionWorkflowOptions(
  temporal: TemporalHandle,
  input: ExecuteActionInput,
  workflowId = `execute-action/${input.serverId}/${randomUUID()}`,
) {
  return {
    workflowId,
    taskQueue: temporal.taskQueue,
    args: [input] as [ExecuteActionInput],
    // With the worker in this process, the server hands the first task straight back: one round trip.
    requestEagerStart: true,
    typedSearchAttributes: [
      { key: searchAttributes.accountId, value: input.accountId },
      { key: searchAttributes.serverId, value: input.serverId },
      { key: searchAttributes.userId, value: input.userId },
      { key: searchAttributes.connectorId, value: input.connectorId },
      { key: searchAttributes.actionId, value: input.actionId },
      { key: searchAttributes.runKind, value: 'action' },
    ],
    // What was asked, for people reading the run; inputs carry ids, never secrets.
    memo: {
      connectorId: input.connectorId,
      actionId: input.actionId,
      parameters: input.parameters,
      ...(input.credentialId ? { credentialId: input.credentialId } : {}),
    },
  };
}

/** Starts the workflow without waiting for it (input already prepared). */
export async function startExecuteAction(
  temporal: TemporalHandle,
  input: ExecuteActionInput,
): Promise<WorkflowHandle<ExecuteActionWorkflow>> {
  return temporal.client.workflow.start<ExecuteActionWorkflow>(workflowTypes.executeAction, actionWorkflowOptions(temporal, input));
}

/**
 * Maps a failed run to our coded error, as the activity raised it. An INTERNAL_ERROR's message is
 * whatever a bug or a library threw, written for operators: they read it in the run's history, the
 * caller gets a plain sentence.
 */
export function errorFromWorkflowFailure(error: unknown): SwitchboardError {
  if (error instanceof WorkflowFailedError) {
    const coded = codedFailureIn(error.cause);
    if (coded?.code === 'INTERNAL_ERROR') return unexpectedFailure(coded.details);
    if (coded) return new SwitchboardError(coded.code, coded.message, coded.details);
  }
  if (error instanceof SwitchboardError) return error;
  if (isTemporalUnavailable(error)) return new ServiceUnavailableError('The workflow service is unavailable; try again shortly');
  return unexpectedFailure();
}

const unexpectedFailure = (details: ErrorDetails = {}) =>
  new SwitchboardError('INTERNAL_ERROR', "The action failed unexpectedly; the run's history in the Temporal UI has the cause", details);
