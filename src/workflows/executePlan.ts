import {
  ActivityFailure,
  CancellationScope,
  isCancellation,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { callConnectorAction } from './connectorCall.js';
import { answeringResult } from './resultUpdate.js';
import type { ActionResult } from './contracts/action.js';
import { searchAttributes } from './contracts/runs.js';
import { planProgressQuery, planResultUpdate, type StepError, type ExecutePlanWorkflowInput, type PlanProgress } from './contracts/plan.js';
import { codedFailureIn, failureOf } from './contracts/failures.js';
import { isAsk, isReference, resolveReference } from './contracts/planReferences.js';

function stepError(error: unknown): StepError {
  const coded = codedFailureIn(error);
  if (coded) return coded;
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return { code: 'INTERNAL_ERROR', message: cause instanceof Error ? cause.message : 'The step failed unexpectedly' };
}

/** Literals pass through; $ref reads an earlier step's raw result; $ask takes the user's answer. */
function resolveParameters(
  parameters: Record<string, unknown>,
  rawResults: readonly unknown[],
  inputs: Record<string, unknown>,
  step: number,
): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (isReference(value)) {
      try {
        resolved[name] = resolveReference(rawResults, value.$ref);
      } catch (error) {
        throw failureOf('INVALID_REQUEST', `Parameter "${name}" of step ${step} could not be resolved: ${(error as Error).message}`, { step, parameter: name });
      }
    } else if (isAsk(value)) {
      const key = `${step}.${name}`;
      if (!(key in inputs)) {
        throw failureOf('INVALID_REQUEST', `No input for ${key}`, { step, parameter: name });
      }
      resolved[name] = inputs[key];
    } else {
      resolved[name] = value;
    }
  }
  return resolved;
}

/**
 * execute_plan: runs the steps in order through the same attempts, durable throttle waits and
 * retry timers as execute_action, feeding earlier raw results into later parameters. Stops at the
 * first failure, undoes the finished steps that define a compensation (latest first), and fails
 * with the step records in its details. The outcome also answers planResultUpdate (resultUpdate.ts).
 */
export function executePlan(input: ExecutePlanWorkflowInput): Promise<PlanProgress> {
  return answeringResult(planResultUpdate, () => runPlan(input));
}

async function runPlan(input: ExecutePlanWorkflowInput): Promise<PlanProgress> {
  const { plan } = input;
  const progress: PlanProgress = {
    status: 'running',
    connectorId: plan.connectorId,
    steps: plan.steps.map((step, index) => ({ step: index + 1, actionId: step.actionId, status: 'pending' })),
  };
  setHandler(planProgressQuery, () => progress);
  const rawResults: unknown[] = [];
  let cancellation: unknown;
  const run = (actionId: string, parameters: Record<string, unknown>): Promise<ActionResult> =>
    callConnectorAction({
      accountId: input.accountId,
      userId: input.userId,
      serverId: input.serverId,
      connectorId: plan.connectorId,
      actionId,
      parameters,
      includeRaw: true,
      ...(input.credentialId ? { credentialId: input.credentialId } : {}),
    });

  for (const [index, step] of plan.steps.entries()) {
    const record = progress.steps[index]!;
    record.status = 'running';
    record.startedAt = new Date().toISOString();
    try {
      const result = await run(step.actionId, resolveParameters(step.parameters, rawResults, input.inputs, index + 1));
      rawResults.push(result.raw ?? result.data);
      record.result = result.data;
      record.status = 'succeeded';
    } catch (error) {
      record.error = stepError(error);
      record.status = isCancellation(error) ? 'cancelled' : 'failed';
      if (isCancellation(error)) cancellation = error;
      progress.status = record.status;
      progress.failedStep = index + 1;
    } finally {
      record.finishedAt = new Date().toISOString();
    }
    if (progress.status !== 'running') break;
  }

  if (progress.status === 'running') {
    progress.status = 'succeeded';
    upsertSearchAttributes([{ key: searchAttributes.outcome, value: 'succeeded' }]);
    return progress;
  }

  // Compensations run even when the run was cancelled: undoing is what the caller would want.
  await CancellationScope.nonCancellable(async () => {
    for (let index = rawResults.length - 1; index >= 0; index--) {
      const compensation = plan.steps[index]!.compensation;
      if (!compensation) continue;
      try {
        const result = await run(compensation.actionId, resolveParameters(compensation.parameters, rawResults, {}, index + 1));
        progress.steps[index]!.compensation = { actionId: compensation.actionId, status: 'succeeded', result: result.data };
      } catch (error) {
        progress.steps[index]!.compensation = { actionId: compensation.actionId, status: 'failed', error: stepError(error) };
      }
    }
  });
  upsertSearchAttributes([{ key: searchAttributes.outcome, value: progress.status }]);
  const failed = progress.steps[progress.failedStep! - 1]!;
  // Rethrown as is, so Temporal records the run as cancelled rather than failed.
  if (cancellation) throw cancellation;
  throw failureOf(failed.error!.code, `Step ${failed.step} (${failed.actionId}) failed: ${failed.error!.message}`, { ...progress });
}
