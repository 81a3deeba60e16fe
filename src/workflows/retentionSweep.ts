import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { pruneAuditLog, pruneExpiredSignins } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 10 },
});

/** Rounds per history: a daily round adds a handful of events, so a history stays small. */
const ROUNDS_PER_RUN = 30;

/**
 * Once a day, in bounded batches: audit entries older than AUDIT_RETENTION_DAYS, and sign-in
 * state (codes, tokens, sessions) past its expiry. One per task queue, started by every API
 * process and kept single by its workflow id, for as long as the deployment lives.
 */
export async function retentionSweep(): Promise<void> {
  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    while ((await pruneAuditLog()).more);
    while ((await pruneExpiredSignins()).more);
    await sleep('1 day');
  }
  await continueAsNew<typeof retentionSweep>();
}
