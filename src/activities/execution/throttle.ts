import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import type { RateLimit } from '../../connectors/schema.js';
import type { Db } from '../../db/connect.js';
import { pauseKey, pauseRemainingMs, reserveSlot } from '../../db/repositories/throttles.js';

/**
 * Connector rate limits as a throttle every process shares: before each upstream attempt
 * (retries included) a caller reserves a send slot for its (account, connector, credential) key
 * in one Postgres row (GCRA), and waits for it inside its run. One statement (~1 ms) per attempt,
 * with no process-local state, so the limit holds however many API and worker replicas run.
 */

export interface ThrottleKey {
  accountId: string;
  connectorId: string;
  /** Absent for connectors that need no credential. */
  credentialId?: string;
}

export interface ThrottleFeedback {
  /** Send nothing for this long (Retry-After, or until a rate-limit reset). */
  pauseMs: number;
  reason: string;
}

/**
 * Slots run at 96 % of the configured rate: a request leaves a little after its slot, and that
 * jitter must never fit N+1 requests into one upstream second.
 */
export const RATE_HEADROOM = 0.96;
/**
 * A caller that wakes this much after its slot gives the slot up and reserves again: sent late
 * next to an on-time neighbour, it would use up the headroom above.
 */
export const LATE_TOLERANCE_MS = 15;
/** How long before its slot a sleeping caller checks whether the key was paused meanwhile. */
const PAUSE_CHECK_LEAD_MS = 30;

function keyOf(key: ThrottleKey): string {
  return `${key.accountId}/${key.connectorId}/${key.credentialId ?? 'none'}`;
}

function spacing(rateLimit: RateLimit) {
  const intervalMs = 1000 / (rateLimit.requestsPerSecond * RATE_HEADROOM);
  return { intervalMs, burstToleranceMs: (Math.max(1, rateLimit.burst ?? 1) - 1) * intervalMs };
}

/**
 * What the upstream told us about its limit, worth telling every other caller: a 429 (pause for
 * its Retry-After, else a second), or a remaining count of zero (pause until the reset).
 */
export function feedbackOf(
  status: number,
  headers: Record<string, string>,
  rateLimit: RateLimit | undefined,
  waitSeconds: number | undefined,
): ThrottleFeedback | undefined {
  if (status === 429) return { pauseMs: Math.round((waitSeconds ?? 1) * 1000), reason: 'upstream answered 429' };
  const remainingName = rateLimit?.headers?.remaining;
  const remaining = remainingName ? headers[remainingName.toLowerCase()] : undefined;
  if (remaining !== undefined && Number(remaining.trim()) <= 0 && waitSeconds !== undefined && waitSeconds > 0) {
    return { pauseMs: Math.round(waitSeconds * 1000), reason: `${remainingName} is 0` };
  }
  return undefined;
}

/** A cancelled run (or a worker shutting down) stops waiting; outside an activity (the bench) nothing cancels. */
function cancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

export function createThrottleClient(db: Db) {
  return {
    /** Resolves when this caller may send; returns how long it waited. */
    async acquire(key: ThrottleKey, rateLimit: RateLimit): Promise<number> {
      const { intervalMs, burstToleranceMs } = spacing(rateLimit);
      const signal = cancellationSignal();
      const sleepUntil = async (at: number) => {
        const ms = at - Date.now();
        if (ms > 0) await sleep(ms, undefined, signal ? { signal } : {});
      };
      const started = Date.now();
      for (;;) {
        // Slots are absolute (database clock) so that lateness of any kind, a slow answer or a
        // busy event loop, shows up here and costs the caller its slot instead of the upstream its limit.
        const { slotMs } = await reserveSlot(db, keyOf(key), intervalMs, burstToleranceMs);
        if (slotMs - Date.now() > PAUSE_CHECK_LEAD_MS) {
          await sleepUntil(slotMs - PAUSE_CHECK_LEAD_MS);
          // A pause reported while we slept (another caller's 429) outranks the slot we reserved.
          if ((await pauseRemainingMs(db, keyOf(key))) > 0) continue;
        }
        await sleepUntil(slotMs);
        if (Date.now() - slotMs <= LATE_TOLERANCE_MS) return Date.now() - started;
      }
    },

    /** Best effort: a lost report only means other callers learn of the limit from their own 429. */
    async report(key: ThrottleKey, rateLimit: RateLimit, feedback: ThrottleFeedback): Promise<void> {
      await pauseKey(db, keyOf(key), feedback.pauseMs, spacing(rateLimit).burstToleranceMs).catch(() => undefined);
    },
  };
}

export type ThrottleClient = ReturnType<typeof createThrottleClient>;
