import { defineSignal } from '@temporalio/workflow';
import type { ErrorCode } from '../../errors.js';
import type { ActionResult, ExecuteActionInput } from './action.js';

/**
 * One attempt of a connector call and what the call waits for around it: the attempt activity's
 * input and outcome, the throttle slot it sends in, and the in-flight capacity a slow attempt claims.
 */

/**
 * Workflow timers fire up to about a second late (measured on the dev server: a 60 ms timer
 * fires after ~950 ms; the server processes timers at second granularity). So a run waits for a
 * throttle slot with a timer that fires THROTTLE_TIMER_LEAD_MS early, and its attempt waits out
 * the rest: a slot at most THROTTLE_FINAL_APPROACH_MS away is waited for inside the attempt.
 */
export const THROTTLE_TIMER_LEAD_MS = 1100;
export const THROTTLE_FINAL_APPROACH_MS = 1200;

/** A send slot reserved in the throttle ledger, on the database clock. */
export interface SlotReservation {
  slotMs: number;
  /** The key's ledger generation: a rate-limit change starts a new one and voids older slots. */
  generation: number;
}

/** Sent to waiting runs of an (account, connector) when its rate limit changes: they reserve again. */
export const throttleChangedSignal = defineSignal('throttleChanged');

/**
 * One attempt of a connector call: the attemptConnectorAction activity's input, whether it runs
 * as a local activity in the workflow task (the fast lane) or on the slow lane.
 */
export interface AttemptInput {
  action: ExecuteActionInput;
  /** 1 for the first send, counting retries (throttle waits are not attempts). */
  attempt: number;
  /** A slot an earlier call reserved and the workflow has waited for (minus the final approach). */
  slot?: SlotReservation;
  /** After a 401, refresh the OAuth token once and ask for an immediate retry. */
  refreshOn401: boolean;
  /** This attempt's claim on its account's in-flight capacity, taken if it leaves the fast lane. */
  leaseId: string;
}

/** The handed-off attempt the awaitHandedOffAttempt activity collects, on the worker that holds it. */
export interface HandoffInput {
  handoffId: string;
  connectorId: string;
}

/** A slow attempt's claim on its account's and server's in-flight capacity (ACCOUNT_MAX_IN_FLIGHT, SERVER_MAX_IN_FLIGHT). */
export interface CapacityClaim {
  leaseId: string;
  accountId: string;
  serverId: string;
  workflowId: string;
}

/** Granted, or queued with the reason, worded for the wait's summary: "queued: account acc_1 at its in-flight cap (200)". */
export type CapacityAnswer = { granted: true } | { granted: false; reason: string };

/** Sent to a run whose queued claim (the lease id) was granted: its slow attempt may start. */
export const capacityGrantedSignal = defineSignal<[string]>('capacityGranted');

export interface AttemptError {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/**
 * How one attempt ended. Recorded in history as the local activity's result (a marker) or the
 * slow-lane activity's result, so every attempt's status or error code and the wait it asks for
 * are visible to operators.
 */
export type AttemptOutcome =
  | { kind: 'succeeded'; result: ActionResult }
  /** Fast lane only: the attempt may run long, and nothing was sent; run it on the slow lane, with the capacity claimed for it. */
  | { kind: 'slow'; reason: string; capacity: CapacityAnswer }
  /**
   * Fast lane only: still in flight when its budget ran out. It goes on in the worker that sent
   * it, and the awaitHandedOffAttempt activity on that worker's own queue (taskQueue) collects it.
   */
  | { kind: 'handedOff'; taskQueue: string; handoffId: string; reason: string; /** The request may be sent again if that worker is lost. */ resendable: boolean }
  /** Nothing was sent: the slot is later than the final approach allows; wait for it in the workflow. */
  | { kind: 'throttled'; slot: SlotReservation; waitMs: number; reason: string }
  /** Worth another attempt; delayMs is the upstream's own hint (Retry-After, a reset header), if any. */
  | {
      kind: 'retry';
      error: AttemptError;
      reason: string;
      delayMs?: number;
      /** After a 401 the token was refreshed (once per call): retry at once, with this credential. */
      tokenRefreshed?: { credentialId?: string };
      /** Attempts in all this failure is worth, when fewer than the call's (a refused connection: two). */
      maxAttempts?: number;
    }
  | { kind: 'failed'; error: AttemptError };
