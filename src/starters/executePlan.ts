import { randomUUID } from 'node:crypto';
import { accountFairness, admitCall, errorFromWorkflowFailure, startWithResult } from './executeAction.js';
import type { TemporalHandle } from './temporal.js';
import { searchAttributes, workflowTypes } from '../workflows/contracts/runs.js';
import type { ExecutePlanWorkflowInput, PlanProgress } from '../workflows/contracts/plan.js';
import { planResultUpdate } from '../workflows/contracts/plan.js';

export interface ExecutePlanOutcome extends PlanProgress {
  /** The run in the Temporal UI: execute-plan/<serverId>/<uuid>. */
  workflowId: string;
}

export function planWorkflowOptions(temporal: TemporalHandle, input: ExecutePlanWorkflowInput, workflowId?: string) {
  const { plan } = input;
  return {
    workflowId: workflowId ?? `execute-plan/${input.serverId}/${randomUUID()}`,
    taskQueue: temporal.taskQueue,
    args: [input] as [ExecutePlanWorkflowInput],
    requestEagerStart: temporal.localWorker,
    priority: accountFairness(input.accountId),
    typedSearchAttributes: [
      { key: searchAttributes.accountId, value: input.accountId },
      { key: searchAttributes.serverId, value: input.serverId },
      { key: searchAttributes.userId, value: input.userId },
      { key: searchAttributes.connectorId, value: plan.connectorId },
      // One keyword for the whole plan: `actionId STARTS_WITH 'conversations_list'` still finds it.
      { key: searchAttributes.actionId, value: plan.steps.map((step) => step.actionId).join('+') },
      { key: searchAttributes.runKind, value: 'plan' },
    ],
    memo: {
      connectorId: plan.connectorId,
      ...(plan.goal ? { goal: plan.goal } : {}),
      steps: plan.steps.map(({ actionId, parameters }) => ({ actionId, parameters })),
      inputs: input.inputs,
      ...(input.credentialId ? { credentialId: input.credentialId } : {}),
    },
  };
}

/**
 * execute_plan: run a prepared plan (src/runs/prepare.ts) and wait. A failed step comes back as a
 * SwitchboardError with the step's code, and details holding every step's record (what was done,
 * what was undone).
 */
export async function runPreparedPlan(temporal: TemporalHandle, prepared: ExecutePlanWorkflowInput): Promise<ExecutePlanOutcome> {
  const run = startWithResult<PlanProgress>(temporal, workflowTypes.executePlan, planResultUpdate, planWorkflowOptions(temporal, prepared), await admitCall(temporal, prepared));
  try {
    return { workflowId: run.workflowId, ...(await run.result) };
  } catch (error) {
    const failure = errorFromWorkflowFailure(error);
    Object.assign(failure.details, { workflowId: run.workflowId });
    throw failure;
  }
}
