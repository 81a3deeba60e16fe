/**
 * What a backend needs to start our workflows with its own Temporal client: workflow type names,
 * their input and result types, and the search attributes runs carry. Types and constants only;
 * importing this starts nothing.
 */
import { planProgressQuery } from './workflows/contracts/plan.js';

export { searchAttributes } from './workflows/contracts/runs.js';
export type { ActionResult, ExecuteActionInput } from './workflows/contracts/action.js';
export type { ExecutePlanWorkflowInput, PlanProgress, StepRecord } from './workflows/contracts/plan.js';
export type { Plan, PlanStep, ExecutePlanInput } from './plans/schemas.js';
export type { ThrottleFeedback, ThrottleKey } from './upstream/throttle.js';

/** Workflow type names, as registered by the worker (task queue: TEMPORAL_TASK_QUEUE, default "switchboard"). */
export { workflowTypes } from './workflows/contracts/runs.js';
/** Query an executePlan run answers at any time (also after it closed): its PlanProgress. */
export const planProgressQueryName = planProgressQuery.name;
