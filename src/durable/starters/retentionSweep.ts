import type { retentionSweep } from '../workflows/retentionSweep.js';
import type { TemporalHandle } from './temporal.js';

export const retentionSweepWorkflowId = (taskQueue: string) => `retention-sweep/${taskQueue}`;

/** Idempotent: every API process calls it at start; the running workflow is kept. */
export async function ensureRetentionSweep(temporal: TemporalHandle): Promise<void> {
  await temporal.client.workflow.start<typeof retentionSweep>('retentionSweep', {
    workflowId: retentionSweepWorkflowId(temporal.taskQueue),
    taskQueue: temporal.taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
