import { pruneAuditEntries } from '../../db/repositories/audit.js';
import type { PruneResult } from '../../workflows/auditRetention.js';
import type { ActivityDependencies } from '../index.js';

const DAY_MS = 86_400_000;
const BATCH = 1_000;

export function createAuditActivities(deps: ActivityDependencies) {
  return {
    /** One bounded delete of entries past retention; the workflow repeats while batches come back full. */
    async pruneAuditLog(): Promise<PruneResult> {
      const cutoff = new Date(Date.now() - deps.config.audit.retentionDays * DAY_MS);
      const deleted = await pruneAuditEntries(deps.db, cutoff, BATCH);
      if (deleted > 0) deps.logger.info({ deleted, cutoff: cutoff.toISOString() }, 'audit entries past retention deleted');
      return { deleted, more: deleted === BATCH };
    },
  };
}
