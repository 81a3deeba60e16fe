import type { TemporalHandle } from './temporal.js';
import { workflowTypes, type RetentionSweepWorkflow } from '../workflows/contracts/runs.js';

export const retentionSweepWorkflowId = (taskQueue: string) => `retention-sweep/${taskQueue}`;

/** Idempotent: every API process calls it at start; the running workflow is kept. */
export async function ensureRetentionSweep(temporal: TemporalHandle): Promise<void> {
  await temporal.client.workflow.start<RetentionSweepWorkflow>(workflowTypes.retentionSweep, {
    workflowId: retentionSweepWorkflowId(temporal.taskQueue),
    taskQueue: temporal.taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
