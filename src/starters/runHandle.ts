import type { WorkflowExecutionDescription } from '@temporalio/client';
import type { TemporalHandle } from './temporal.js';

/** A started run as a front door may use it: read its state, await its result, ask it to cancel. */
export interface RunHandle {
  describe(): Promise<WorkflowExecutionDescription>;
  /** Rejects with the client's failure when the run failed: read it with errorFromWorkflowFailure (executeAction.ts). */
  result(): Promise<unknown>;
  cancel(): Promise<void>;
}

export function runHandle(temporal: TemporalHandle, workflowId: string): RunHandle {
  const handle = temporal.client.workflow.getHandle(workflowId);
  return {
    describe: () => handle.describe(),
    result: () => handle.result(),
    cancel: async () => {
      await handle.cancel();
    },
  };
}
