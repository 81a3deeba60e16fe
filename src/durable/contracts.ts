import { defineSignal } from '@temporalio/workflow';

/**
 * What the executeAction and executePlan workflows exchange with their callers and activities:
 * inputs, results, attempt outcomes and signals. Workflows import only this module,
 * @temporalio/workflow and activity types.
 */

/** Input of the executeAction workflow: ids and parameters only, never a secret. */
export interface ExecuteActionInput {
  accountId: string;
  userId: string;
  serverId: string;
  connectorId: string;
  actionId: string;
  parameters: Record<string, unknown>;
  credentialId?: string;
  /** Also return the unshaped body (arrays capped, size-bounded): plan steps resolve references from it. */
  includeRaw?: boolean;
  /** Wait (durably, up to timeoutSeconds) for the user to authorize credentialId before the call. */
  awaitCredential?: { credentialId: string; attemptId: string; timeoutSeconds: number };
}

export interface ActionResult {
  /** The upstream's HTTP status. */
  status: number;
  credentialId?: string;
  /** The shaped response body (see shaping.ts). */
  data: unknown;
  /** Present when the result was shaped or cut, saying how. */
  notes?: string[];
  /** With includeRaw: the parsed body before shaping. */
  raw?: unknown;
}

/**
 * Largest workflow input (JSON, parameters included) we start a run with. Temporal warns above
 * 512 KiB per payload and refuses 2 MB; the memo repeats the parameters, so staying under the
 * warning keeps a start request far from the 4 MB gRPC message limit too.
 */
export const MAX_RUN_INPUT_BYTES = 500 * 1024;

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

/** One attempt of a connector call: the attemptConnectorAction local activity's input. */
export interface AttemptInput {
  action: ExecuteActionInput;
  /** 1 for the first send, counting retries (throttle waits are not attempts). */
  attempt: number;
  /** A slot an earlier call reserved and the workflow has waited for (minus the final approach). */
  slot?: SlotReservation;
  /** After a 401, refresh the OAuth token once and ask for an immediate retry. */
  refreshOn401: boolean;
}

export interface AttemptError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/**
 * How one attempt ended. Recorded in history as the local activity's result (a marker), so
 * every attempt's status or error code and the wait it asks for are visible to operators.
 */
export type AttemptOutcome =
  | { kind: 'succeeded'; result: ActionResult }
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
    }
  | { kind: 'failed'; error: AttemptError };

/** Sent when the authorization a run waits for ends: the credential is active, or the user did not authorize. */
export interface CredentialSettled {
  status: 'active' | 'failed';
  reason?: string;
}

export const credentialSettledSignal = defineSignal<[CredentialSettled]>('credentialSettled');

/** Sent to waiting runs of an (account, connector) when its rate limit changes: they reserve again. */
export const throttleChangedSignal = defineSignal('throttleChanged');
