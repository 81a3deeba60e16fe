import { connectorKeyPrefix, restartSchedules } from '../db/repositories/throttles.js';
import type { Db } from '../db/connect.js';
import type { Logger } from '../observability/logger.js';
import { throttleChangedSignal } from '../workflows/contracts/attempt.js';
import type { TemporalHandle } from './temporal.js';

/**
 * Signals in flight at once while waking runs. Each costs the server a persisted event and a
 * workflow task, and takes ~50 ms to ~1 s on a busy dev server, so many must be in flight to wake
 * thousands of runs in seconds.
 */
const SIGNAL_CONCURRENCY = 100;

function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * After an (account, connector) rate-limit change, in two steps. First (awaited) the connector's
 * throttle schedules restart: slots reserved under the old limit are void. Then, in the
 * background, every running run of that connector is signalled, so runs waiting on a throttle
 * timer reserve again under the new limit at once. A run the visibility listing has not seen yet
 * finds its slot void when its timer fires, and reserves again then.
 */
export async function applyRateLimitChange(
  deps: { db: Db; temporal: TemporalHandle; logger: Logger },
  accountId: string,
  connectorId: string,
): Promise<void> {
  await restartSchedules(deps.db, connectorKeyPrefix(accountId, connectorId));
  const started = Date.now();
  wakeWaitingRuns(deps.temporal, accountId, connectorId).then(
    (woken) => deps.logger.info({ accountId, connectorId, woken, ms: Date.now() - started }, 'rate limit changed: waiting runs woken'),
    (error: unknown) =>
      deps.logger.warn({ err: error, accountId, connectorId }, 'rate limit changed: waking waiting runs failed; they re-check when their timers fire'),
  );
}

/** Signals every running run of the connector, SIGNAL_CONCURRENCY in flight at once; returns how many were signalled. */
async function wakeWaitingRuns(temporal: TemporalHandle, accountId: string, connectorId: string): Promise<number> {
  const query = `accountId = ${quoted(accountId)} AND connectorId = ${quoted(connectorId)} AND ExecutionStatus = 'Running'`;
  // An async generator queues concurrent next() calls, so the senders share one listing.
  const runs = temporal.client.workflow.list({ query })[Symbol.asyncIterator]();
  let woken = 0;
  const sender = async () => {
    for (let next = await runs.next(); !next.done; next = await runs.next()) {
      try {
        await temporal.client.workflow.getHandle(next.value.workflowId, next.value.runId).signal(throttleChangedSignal);
        woken += 1;
      } catch {
        // A run that closed meanwhile needs no waking.
      }
    }
  };
  await Promise.all(Array.from({ length: SIGNAL_CONCURRENCY }, sender));
  return woken;
}
