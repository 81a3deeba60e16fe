import type { auditRetention } from '../workflows/auditRetention.js';
import type { TemporalHandle } from './temporal.js';

export const auditRetentionWorkflowId = (taskQueue: string) => `audit-retention/${taskQueue}`;

/** Idempotent: every API process calls it at start; the running workflow is kept. */
export async function ensureAuditRetention(temporal: TemporalHandle): Promise<void> {
  await temporal.client.workflow.start<typeof auditRetention>('auditRetention', {
    workflowId: auditRetentionWorkflowId(temporal.taskQueue),
    taskQueue: temporal.taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
