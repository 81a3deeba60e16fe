import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ErrorCode } from '../../errors.js';
import type { Plan } from '../../plans/schemas.js';

/**
 * A plan's run (the executePlan workflow): its input, its steps' progress and how a caller reads
 * it. The steps' references (`$ref`, `$ask`) are resolved by planReferences.ts as the run replays.
 */

/** Input of the executePlan workflow: ids, the plan and the user's answers; never a secret. */
export interface ExecutePlanWorkflowInput {
  accountId: string;
  userId: string;
  serverId: string;
  plan: Plan;
  /** Values for the plan's $ask entries, keyed "<step>.<parameter>"; all present (checked before start). */
  inputs: Record<string, unknown>;
  credentialId?: string;
}

export interface StepError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export interface StepRecord {
  step: number;
  actionId: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** The shaped result, as execute_action would show it. */
  result?: unknown;
  error?: StepError;
  startedAt?: string;
  finishedAt?: string;
  compensation?: { actionId: string; status: 'succeeded' | 'failed'; result?: unknown; error?: StepError };
}

export interface PlanProgress {
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  connectorId: string;
  steps: StepRecord[];
  failedStep?: number;
}

export const planProgressQuery = defineQuery<PlanProgress>('planProgress');

/** The plan's outcome once it is known, as actionResultUpdate answers an action's. */
export const planResultUpdate = defineUpdate<PlanProgress>('planResult');
