/**
 * Throttle figures for `npm run bench`: what a permit costs when the key is under its limit, and
 * the rate callers achieve against a configured limit when they ask faster than it allows. Uses
 * the same throttle client as the execution activity, on the app's database.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createThrottleClient, type ThrottleClient, type ThrottleKey } from '../src/upstream/throttle.js';
import type { RateLimit } from '../src/connectors/schema.js';
import { THROTTLE_TIMER_LEAD_MS, type SlotReservation } from '../src/workflows/contracts/attempt.js';
import type { Db } from '../src/db/connect.js';
import { summarize, type LatencySummary } from './stats.js';

export interface ThrottleFigures {
  /** Sequential permits on a key far under its limit: the latency the throttle adds to each upstream attempt. */
  permit: LatencySummary;
  configuredPerSecond: number;
  achievedPerSecond: number;
  /** achieved / configured − 1, in percent (target within ±5 %; the throttle aims 3 % under). */
  deviationPercent: number;
  /** Most permits granted in any 1000 ms window (must not exceed configuredPerSecond with burst 1). */
  busiestSecond: number;
  permits: number;
}

function busiest(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= 1000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** What a run does with the permits: wait in its workflow for a later slot, then take it up. */
async function acquire(throttle: ThrottleClient, key: ThrottleKey, rateLimit: RateLimit): Promise<void> {
  let held: SlotReservation | undefined;
  for (;;) {
    const permit = await throttle.permit(key, rateLimit, held);
    if (permit.go) return;
    held = permit.slot;
    await sleep(Math.max(1, permit.waitMs - THROTTLE_TIMER_LEAD_MS));
  }
}

export async function benchThrottle(
  db: Db,
  options: { samples?: number; limit?: number; callers?: number } = {},
): Promise<ThrottleFigures> {
  const { samples = 200, limit = 20, callers = 4 * 20 } = options;
  const throttle = createThrottleClient(db);
  const key = (name: string) => ({ accountId: `bench-${randomUUID().slice(0, 8)}`, connectorId: name });

  const fast = key('unlimited');
  await acquire(throttle, fast, { requestsPerSecond: 100_000 }); // creates the row; not counted
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await acquire(throttle, fast, { requestsPerSecond: 100_000 });
    latencies.push(performance.now() - started);
  }

  const limited = key('limited');
  const granted: number[] = [];
  await Promise.all(
    Array.from({ length: callers }, async () => {
      await acquire(throttle, limited, { requestsPerSecond: limit, burst: 1 });
      granted.push(Date.now());
    }),
  );
  granted.sort((a, b) => a - b);
  const achieved = ((granted.length - 1) * 1000) / (granted.at(-1)! - granted[0]!);
  return {
    permit: summarize(latencies),
    configuredPerSecond: limit,
    achievedPerSecond: Math.round(achieved * 100) / 100,
    deviationPercent: Math.round((achieved / limit - 1) * 1000) / 10,
    busiestSecond: busiest(granted),
    permits: granted.length,
  };
}
