import { getCredentialById } from '../db/repositories/oauth.js';
import { addCredentialWaiter, takeCredentialWaiters } from '../db/repositories/mcpSessions.js';
import { settleCredentialWait } from '../starters/credentialWait.js';
import type { ActivityDependencies } from './dependencies.js';
import type { CredentialWait } from '../workflows/contracts/action.js';

/** Runs that wait for a user to authorize (URL elicitation), and the end of the attempt that wakes them. */
export function createCredentialWaiterActivities(deps: ActivityDependencies) {
  return {
    /**
     * Registers the run as a waiter, then reads the credential: registering first means a handshake
     * that finishes meanwhile either sees the waiter and signals it, or stored its tokens before the read.
     */
    async watchCredential(input: CredentialWait & { workflowId: string }): Promise<'active' | 'waiting' | 'unusable'> {
      await addCredentialWaiter(deps.db, input);
      const row = await getCredentialById(deps.db, input.credentialId);
      if (row?.status === 'active' || row?.status === 'refreshing') return 'active';
      return row?.status === 'pending' || row?.status === 'needs_reauth' ? 'waiting' : 'unusable';
    },

    async notifyCredentialWaiters(input: { credentialId: string; attemptId: string; status: 'completed' | 'failed' | 'expired'; error?: string }) {
      const completed = input.status === 'completed';
      const waiters = await takeCredentialWaiters(deps.db, { ...input, completed });
      await Promise.all(
        waiters.map((waiter) =>
          settleCredentialWait(deps.temporal, waiter.workflow_id, { status: completed ? 'active' : 'failed', ...(input.error ? { reason: input.error } : {}) }),
        ),
      );
    },
  };
}
