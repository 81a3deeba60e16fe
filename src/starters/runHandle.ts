import { WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import type { TemporalHandle } from './temporal.js';

/** A started run as a front door may use it: read its state, await its result, ask it to cancel. */
export interface RunHandle {
  describe(): Promise<WorkflowExecutionDescription>;
  /** describe, or undefined while the run is not created yet (its start travels with the request for its result). */
  describeIfStarted(): Promise<WorkflowExecutionDescription | undefined>;
  /** Rejects with the client's failure when the run failed: read it with errorFromWorkflowFailure (executeAction.ts). */
  result(): Promise<unknown>;
  cancel(): Promise<void>;
}

export function runHandle(temporal: TemporalHandle, workflowId: string): RunHandle {
  const handle = temporal.client.workflow.getHandle(workflowId);
  return {
    describe: () => handle.describe(),
    describeIfStarted: () =>
      handle.describe().catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      }),
    result: () => handle.result(),
    cancel: async () => {
      await handle.cancel();
    },
  };
}
