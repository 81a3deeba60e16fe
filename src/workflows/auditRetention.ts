import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

export interface PruneResult {
  deleted: number;
  /** A full batch went: there may be more to delete. */
  more: boolean;
}

const { pruneAuditLog } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 10 },
});

/** Rounds per history: a daily round adds a handful of events, so a history stays small. */
const ROUNDS_PER_RUN = 30;

/**
 * Deletes audit entries older than AUDIT_RETENTION_DAYS once a day, in bounded batches, for as
 * long as the deployment lives (one per task queue, started by every API process, kept single by
 * its workflow id).
 */
export async function auditRetention(): Promise<void> {
  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    while ((await pruneAuditLog()).more);
    await sleep('1 day');
  }
  await continueAsNew<typeof auditRetention>();
}
