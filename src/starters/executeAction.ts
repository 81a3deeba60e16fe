import { randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { ActionResult, ExecuteActionInput } from '../workflows/contracts/action.js';
import { isTemporalUnavailable, ServiceUnavailableError, SwitchboardError, type ErrorDetails } from '../errors.js';
import type { TemporalHandle } from './temporal.js';
import type { Admitted } from './admission.js';
import { admissionMemo, searchAttributes, workflowTypes, type ExecuteActionWorkflow } from '../workflows/contracts/runs.js';
import { codedFailureIn } from '../workflows/contracts/failures.js';
import { actionResultUpdate } from '../workflows/contracts/action.js';

export type { ActionResult, ExecuteActionInput } from '../workflows/contracts/action.js';

/**
 * A run's workflow and activity tasks are queued under its account's fairness key, so a burst of
 * starts from one account is dispatched in turn with other accounts' on a cluster with task-queue
 * fairness (Temporal ≥ 1.31, see docs/fair-execution.md); a server without it keeps the key and
 * dispatches in arrival order. Activities inherit it unless they set their own.
 */
export const accountFairness = (accountId: string) => ({ fairnessKey: accountId, fairnessWeight: 1 });

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
    requestEagerStart: temporal.localWorker,
    priority: accountFairness(input.accountId),
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

/** Starts the workflow without waiting for it (input already prepared, the call admitted). */
export async function startExecuteAction(
  temporal: TemporalHandle,
  input: ExecuteActionInput,
  admitted: Admitted,
): Promise<WorkflowHandle<ExecuteActionWorkflow>> {
  try {
    return await temporal.client.workflow.start<ExecuteActionWorkflow>(workflowTypes.executeAction, admittedOptions(actionWorkflowOptions(temporal, input), admitted));
  } finally {
    admitted.done();
  }
}

/** Who starts a run, as admission counts it. */
interface RunCaller {
  accountId: string;
  serverId: string;
}

/**
 * Admits a call (src/starters/admission.ts) before it is prepared, so a busy account's calls also
 * read the database in turns. The caller ends it with done(), however the call ends. Without
 * admission (a worker-only process), the main queue.
 */
export async function admitCall(temporal: TemporalHandle, caller: RunCaller): Promise<Admitted> {
  return temporal.admission ? temporal.admission.admit(caller.accountId, caller.serverId) : onMainQueue;
}

/** A run's options as admitted: on the busy queue, with that queue and the reason in its memo (GET /api/runs/:id shows it). */
export function admittedOptions<Options extends { taskQueue: string; memo: Record<string, unknown> }>(options: Options, admitted: Admitted): Options {
  if (!admitted.busy) return options;
  return { ...options, taskQueue: admitted.taskQueue, requestEagerStart: false, memo: { ...options.memo, [admissionMemo]: { queue: 'busy', ...admitted.busy } } };
}

const onMainQueue: Admitted = { taskQueue: '', started: () => undefined, done: () => undefined };

/** A run started together with the request for its result. */
export interface ResultRun<Result> {
  workflowId: string;
  /** The run's result, or its failure as a SwitchboardError with the activity's code. */
  result: Promise<Result>;
}

/**
 * Starts a workflow and has its result, in as few round trips as the process allows. With a
 * worker in this process: an eager start (the server hands the first task straight back, and a
 * fast run completes within it), then the result. Without one (an API replica): the start and
 * the request for the result travel together (update-with-start), and the server answers once
 * the run answers its result update (src/workflows/resultUpdate.ts). Eager start and
 * update-with-start do not combine; docs/performance.md has both measured in both shapes.
 */
export function startWithResult<Result>(
  temporal: TemporalHandle,
  workflowType: string,
  update: UpdateDefinition<Result>,
  options: WorkflowStartOptions & { workflowId: string; taskQueue: string; memo: Record<string, unknown> },
  admitted: Admitted,
): ResultRun<Result> {
  const { workflow } = temporal.client;
  const start = admittedOptions(options, admitted);
  const result = (async () => {
    try {
      // A busy run's start gives its account's turn back as soon as it is answered, so it starts
      // alone, then asks for the result.
      if (temporal.localWorker || admitted.busy) {
        const handle = await workflow.start(workflowType, start).finally(admitted.started);
        return (await handle.result()) as Result;
      }
      return await workflow.executeUpdateWithStart(update, {
        startWorkflowOperation: new WithStartWorkflowOperation(workflowType, { ...start, requestEagerStart: false, workflowIdConflictPolicy: 'FAIL' }),
      });
    } finally {
      admitted.done();
    }
  })();
  return { workflowId: options.workflowId, result: result.catch((error: unknown) => Promise.reject(errorFromWorkflowFailure(error))) };
}

/** execute_action's run, started with the request for its result (startWithResult). */
export function runAction(temporal: TemporalHandle, input: ExecuteActionInput, admitted: Admitted): ResultRun<ActionResult> {
  return startWithResult(temporal, workflowTypes.executeAction, actionResultUpdate, actionWorkflowOptions(temporal, input), admitted);
}

/**
 * Maps a failed run to our coded error, as the activity raised it. An INTERNAL_ERROR's message is
 * whatever a bug or a library threw, written for operators: they read it in the run's history, the
 * caller gets a plain sentence.
 */
export function errorFromWorkflowFailure(error: unknown): SwitchboardError {
  if (error instanceof WorkflowFailedError || error instanceof WorkflowUpdateFailedError) {
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
