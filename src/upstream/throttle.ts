import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import type { RateLimit } from '../connectors/schema.js';
import type { Db } from '../db/connect.js';
import { connectorKeyPrefix, pauseKey, reserveSlot, slotState } from '../db/repositories/throttles.js';
import { THROTTLE_FINAL_APPROACH_MS, type SlotReservation } from '../workflows/contracts/attempt.js';

/**
 * Connector rate limits as a throttle every process shares: before each upstream attempt
 * (retries included) a caller reserves a send slot for its (account, connector, credential) key
 * in one Postgres row (GCRA). A slot that is not due yet is waited for by the run's workflow
 * (a durable timer), not here. One statement (~1 ms) per attempt, with no process-local state,
 * so the limit holds however many API and worker replicas run.
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
 * Slots run at 90 % of the configured rate: a request leaves a little after its slot and reaches
 * the upstream a little later still, and that jitter must never fit N+1 requests into one of the
 * upstream's seconds. N+1 slots span 1000 / RATE_HEADROOM ms, which leaves ~110 ms for jitter;
 * 96 % (~40 ms) was too little on a loaded two-core CI machine, where the fake API saw 6 requests
 * inside one second at 5/s.
 */
const RATE_HEADROOM = 0.9;
/**
 * A caller that wakes this much after its slot gives the slot up and reserves again: sent late
 * next to an on-time neighbour, it would use up the headroom above.
 */
const LATE_TOLERANCE_MS = 15;
/** How long before its slot a caller checks whether the key was paused (or its limit changed) meanwhile. */
export const PAUSE_CHECK_LEAD_MS = 30;

export function keyOf(key: ThrottleKey): string {
  return `${connectorKeyPrefix(key.accountId, key.connectorId)}${key.credentialId ?? 'none'}`;
}

export function spacing(rateLimit: RateLimit) {
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

/**
 * What a caller may do now: send (its slot has come), or wait in its workflow for the slot it
 * holds. A slot nearer than THROTTLE_FINAL_APPROACH_MS is waited for here, in the attempt.
 */
export type Permit = { go: true; waitedMs: number } | { go: false; slot: SlotReservation; waitMs: number };

export function createThrottleClient(db: Db) {
  return {
    /**
     * Reserves a slot (or takes up the one the caller already holds) and waits out only its final
     * approach. A held slot is given up for a new one when the key was paused since, when a rate
     * change voided it (a new generation), or when the caller comes back too late for it.
     */
    async permit(
      key: ThrottleKey,
      rateLimit: RateLimit,
      held?: SlotReservation,
      beforeSend?: () => Promise<void>,
      /** `held` was reserved a moment ago (by the caller's opening statement), not waited for: nothing to check. */
      justReserved = false,
    ): Promise<Permit> {
      const { intervalMs, burstToleranceMs } = spacing(rateLimit);
      const signal = cancellationSignal();
      const started = Date.now();
      let slot = held;
      let checkLedger = held !== undefined && !justReserved;
      for (;;) {
        if (!slot) {
          // Slots are absolute (database clock) so that lateness of any kind, a slow answer or a
          // busy event loop, shows up here and costs the caller its slot instead of the upstream its limit.
          slot = await reserveSlot(db, keyOf(key), intervalMs, burstToleranceMs);
          checkLedger = false;
        }
        if (checkLedger) {
          // A pause reported while the run waited (another caller's 429) outranks the slot it holds.
          const state = await slotState(db, keyOf(key));
          if (state.pauseRemainingMs > 0 || state.generation !== slot.generation) {
            slot = undefined;
            continue;
          }
          checkLedger = false;
        }
        const ahead = slot.slotMs - Date.now();
        if (ahead > THROTTLE_FINAL_APPROACH_MS) return { go: false, slot, waitMs: ahead };
        if (ahead > PAUSE_CHECK_LEAD_MS) {
          await sleep(ahead - PAUSE_CHECK_LEAD_MS, undefined, signal ? { signal } : {});
          checkLedger = true;
          continue;
        }
        // The caller's own preparation (marking a send in flight) happens inside the last stretch,
        // so only the send itself stands between the slot and the request.
        await beforeSend?.();
        const last = slot.slotMs - Date.now();
        if (last > 0) await sleep(last, undefined, signal ? { signal } : {});
        if (Date.now() - slot.slotMs <= LATE_TOLERANCE_MS) return { go: true, waitedMs: Date.now() - started };
        slot = undefined;
      }
    },

    /** Best effort: a lost report only means other callers learn of the limit from their own 429. */
    async report(key: ThrottleKey, rateLimit: RateLimit, feedback: ThrottleFeedback): Promise<void> {
      await pauseKey(db, keyOf(key), feedback.pauseMs, spacing(rateLimit).burstToleranceMs).catch(() => undefined);
    },
  };
}

export type ThrottleClient = ReturnType<typeof createThrottleClient>;
