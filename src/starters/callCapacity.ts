import { WorkflowNotFoundError } from '@temporalio/client';
import type { GrantedClaim } from '../db/repositories/callLeases.js';
import { capacityGrantedSignal } from '../workflows/contracts/attempt.js';
import type { TemporalHandle } from './temporal.js';

/**
 * Wakes the runs whose queued claims were granted. Returns the lease ids of runs that no longer
 * exist (terminated while queued), whose places the caller gives up.
 */
export async function signalCapacityGranted(temporal: TemporalHandle, granted: GrantedClaim[]): Promise<string[]> {
  const gone: string[] = [];
  await Promise.all(
    granted.map(async ({ leaseId, workflowId }) => {
      try {
        await temporal.client.workflow.getHandle(workflowId).signal(capacityGrantedSignal, leaseId);
      } catch (error) {
        // Anything else (the server busy) leaves the run to find its grant when its queue timer fires.
        if (error instanceof WorkflowNotFoundError) gone.push(leaseId);
      }
    }),
  );
  return gone;
}
