import { WorkflowNotFoundError } from '@temporalio/client';
import { credentialSettledSignal, type CredentialSettled } from '../workflows/contracts/action.js';
import type { TemporalHandle } from './temporal.js';

/** Wakes a run waiting for the user to authorize (URL elicitation): the attempt it waited for ended. */
export async function settleCredentialWait(temporal: TemporalHandle, workflowId: string, settled: CredentialSettled): Promise<void> {
  try {
    await temporal.client.workflow.getHandle(workflowId).signal(credentialSettledSignal, settled);
  } catch (error) {
    // The run already ended (cancelled, timed out): nobody is left to wake.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
