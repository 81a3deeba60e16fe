import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { findAction, resolveConnector } from '../../connectors/registry.js';
import type { Db } from '../../db/connect.js';
import { ForbiddenError, InvalidRequestError } from '../../errors.js';
import { isAsk } from '../../plans/references.js';
import type { ExecutePlanInput } from '../../plans/schemas.js';
import { checkRunInputSize, errorFromWorkflowFailure } from './executeAction.js';
import type { TemporalHandle } from './temporal.js';
import { searchAttributes, type ExecutePlanWorkflowInput, type PlanProgress } from '../contracts.js';
import { workflowTypes, type ExecutePlanWorkflow } from '../contracts.js';
export { type ExecutePlanWorkflowInput, type PlanProgress, type StepRecord } from '../contracts.js';


export interface ExecutePlanOutcome extends PlanProgress {
  /** The run in the Temporal UI: execute-plan/<serverId>/<uuid>. */
  workflowId: string;
}

/** Who runs the plan; the rest is the tool's (or route's) input. */
export interface PlanCaller {
  accountId: string;
  userId: string;
  serverId: string;
  credentialId?: string;
}

export function planWorkflowOptions(temporal: TemporalHandle, input: ExecutePlanWorkflowInput, workflowId?: string) {
  const { plan } = input;
  return {
    workflowId: workflowId ?? `execute-plan/${input.serverId}/${randomUUID()}`,
    taskQueue: temporal.taskQueue,
    args: [input] as [ExecutePlanWorkflowInput],
    requestEagerStart: true,
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
 * Checks before anything starts: the connector is enabled, every step's (and compensation's)
 * action exists, and every $ask has its input. Every problem is reported in one INVALID_REQUEST.
 */
export async function prepareExecutePlan(db: Db, caller: PlanCaller, input: ExecutePlanInput): Promise<ExecutePlanWorkflowInput> {
  const connector = await resolveConnector(db, caller.accountId, input.plan.connectorId);
  if (!connector.settings.enabled) {
    throw new ForbiddenError(`Connector "${connector.id}" is disabled for this account`, { connectorId: connector.id });
  }
  const issues: Array<{ input: string; message: string }> = [];
  input.plan.steps.forEach((step, index) => {
    for (const actionId of [step.actionId, ...(step.compensation ? [step.compensation.actionId] : [])]) findAction(connector, actionId);
    for (const [name, value] of Object.entries(step.parameters)) {
      const key = `${index + 1}.${name}`;
      if (isAsk(value) && !(key in input.inputs)) issues.push({ input: key, message: `missing: ${value.$ask.ask}` });
    }
  });
  if (issues.length > 0) throw new InvalidRequestError('The plan needs inputs that were not given', { issues });
  const credentialId = input.credentialId ?? caller.credentialId;
  return checkRunInputSize({
    accountId: caller.accountId,
    userId: caller.userId,
    serverId: caller.serverId,
    plan: { ...input.plan, connectorId: connector.id },
    inputs: input.inputs,
    ...(credentialId ? { credentialId } : {}),
  });
}

/** Starts the plan without waiting (input already prepared). */
export async function startExecutePlan(
  temporal: TemporalHandle,
  input: ExecutePlanWorkflowInput,
): Promise<WorkflowHandle<ExecutePlanWorkflow>> {
  return temporal.client.workflow.start<ExecutePlanWorkflow>(workflowTypes.executePlan, planWorkflowOptions(temporal, input));
}

/**
 * execute_plan: validate, run and wait. A failed step comes back as a SwitchboardError with the
 * step's code, and details holding every step's record (what was done, what was undone).
 */
export async function runExecutePlan(
  deps: { db: Db; temporal: TemporalHandle },
  caller: PlanCaller,
  input: ExecutePlanInput,
): Promise<ExecutePlanOutcome> {
  const prepared = await prepareExecutePlan(deps.db, caller, input);
  const options = planWorkflowOptions(deps.temporal, prepared);
  try {
    const result = await deps.temporal.client.workflow.execute<ExecutePlanWorkflow>(workflowTypes.executePlan, options);
    return { workflowId: options.workflowId, ...result };
  } catch (error) {
    const failure = errorFromWorkflowFailure(error);
    Object.assign(failure.details, { workflowId: options.workflowId });
    throw failure;
  }
}
