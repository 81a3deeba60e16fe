import { pruneAuditEntries } from '../db/repositories/audit.js';
import { pruneExpiredSigninItems } from '../db/repositories/signin.js';
import type { ActivityDependencies } from './dependencies.js';
import type { PruneResult } from '../workflows/contracts/runs.js';

const DAY_MS = 86_400_000;
const BATCH = 1_000;

/** One bounded delete each; the retentionSweep workflow repeats while batches come back full. */
export function createRetentionActivities(deps: ActivityDependencies) {
  return {
    async pruneAuditLog(): Promise<PruneResult> {
      const cutoff = new Date(Date.now() - deps.config.audit.retentionDays * DAY_MS);
      const deleted = await pruneAuditEntries(deps.db, cutoff, BATCH);
      if (deleted > 0) deps.logger.info({ deleted, cutoff: cutoff.toISOString() }, 'audit entries past retention deleted');
      return { deleted, more: deleted === BATCH };
    },

    async pruneExpiredSignins(): Promise<PruneResult> {
      const deleted = await pruneExpiredSigninItems(deps.db, BATCH);
      return { deleted, more: deleted === BATCH };
    },
  };
}
