import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  isCancellation,
  log,
  proxyLocalActivities,
  type LocalActivityOptions,
  patched,
  setHandler,
  sleep,
  upsertMemo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  callProgressMemo,
  failureOf,
  THROTTLE_TIMER_LEAD_MS,
  toApplicationFailure,
  throttleChangedSignal,
  type ActionResult,
  type AttemptError,
  type AttemptInput,
  type CallProgress,
  type ExecuteActionInput,
  type SlotReservation,
} from './contracts.js';

/** Sends per call, retries included (waits for a throttle slot are not attempts). */
const MAX_ATTEMPTS = 6;
const BACKOFF_INITIAL_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

/**
 * One attempt, as a local activity: it runs in the worker that runs the workflow task, so a call
 * that needs no wait costs no server-side task dispatch (each ~50 ms on the dev server) and the
 * run completes in the workflow task that started it. No retries of its own (maximumAttempts 1):
 * every retry is decided here, after a durable timer. Longer than the largest
 * UPSTREAM_TOTAL_TIMEOUT_MS config accepts (10 min), so the activity's own time-out fires first.
 */
const attemptOptions: LocalActivityOptions = { startToCloseTimeout: '11 minutes', retry: { maximumAttempts: 1 } };
const { attemptConnectorAction } = proxyLocalActivities<Activities>(attemptOptions);

function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** (attempt - 1));
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`;
}

/** Summaries are one line in the UI. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/**
 * An attempt that threw instead of returning an outcome (a bug, the database down): a retryable
 * INTERNAL_ERROR unless marked otherwise. The attempt returns every coded error as an outcome, so
 * a thrown failure's type is only the JavaScript error's name ("Error", "TypeError"), not a code.
 */
function thrownAttemptError(error: unknown): AttemptError | ApplicationFailure {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.nonRetryable) return toApplicationFailure(cause);
  const message = cause instanceof Error ? cause.message : 'The attempt failed unexpectedly';
  return { code: 'INTERNAL_ERROR', message, details: {} };
}

/**
 * A connector call driven by the workflow: each attempt is one local activity, and every wait
 * between attempts is a durable timer named for its reason ("throttle slot for slack", "retry
 * 2/6 in 1 s: 500 from slack"). A waiting run holds no worker slot; it survives worker restarts
 * and wakes on time. A throttleChanged signal (the connector's rate limit changed) ends a throttle
 * wait early so the run reserves again under the new limit. Shared by executeAction and
 * executePlan's steps.
 */
export async function callConnectorAction(action: ExecuteActionInput): Promise<ActionResult> {
  let throttleChanged = false;
  setHandler(throttleChangedSignal, () => {
    throttleChanged = true;
  });
  let call = action;
  let slot: SlotReservation | undefined;
  let refreshOn401 = true;
  for (let attempt = 1; ; ) {
    throttleChanged = false;
    const input: AttemptInput = { action: call, attempt, refreshOn401, ...(slot ? { slot } : {}) };
    slot = undefined;
    let outcome;
    try {
      outcome = await attemptConnectorAction.executeWithOptions(
        { ...attemptOptions, summary: `attempt ${attempt}: ${call.connectorId} ${call.actionId}${input.slot ? ' (throttle slot due)' : ''}` },
        [input],
      );
    } catch (error) {
      if (isCancellation(error)) throw error;
      const attemptError = thrownAttemptError(error);
      if (attemptError instanceof ApplicationFailure) throw attemptError;
      outcome = { kind: 'retry' as const, error: attemptError, reason: `${attemptError.code}: ${attemptError.message}` };
    }
    switch (outcome.kind) {
      case 'succeeded':
        return outcome.result;
      case 'failed':
        throw failureOf(outcome.error.code, outcome.error.message, outcome.error.details);
      case 'throttled': {
        const changed = await condition(() => throttleChanged, Math.max(1, outcome.waitMs - THROTTLE_TIMER_LEAD_MS), {
          summary: oneLine(`${outcome.reason} (attempt ${attempt}, ${seconds(outcome.waitMs)})`),
        });
        // Woken by a rate-limit change: the slot belongs to the old schedule, reserve again.
        if (!changed) slot = outcome.slot;
        break;
      }
      case 'retry': {
        const maxAttempts = Math.min(MAX_ATTEMPTS, outcome.maxAttempts ?? MAX_ATTEMPTS);
        if (attempt >= maxAttempts) {
          const gaveUp = `${outcome.error.message}; gave up after attempt ${attempt}/${maxAttempts} (${outcome.reason})`;
          throw failureOf(outcome.error.code, gaveUp, { ...outcome.error.details, attempts: attempt });
        }
        if (outcome.tokenRefreshed) {
          refreshOn401 = false;
          if (outcome.tokenRefreshed.credentialId) call = { ...call, credentialId: outcome.tokenRefreshed.credentialId };
        }
        if (outcome.delayMs !== 0) {
          const delayMs = outcome.delayMs ?? backoffMs(attempt);
          const why = outcome.delayMs === undefined ? 'backoff' : 'as the upstream asked';
          log.info('attempt failed; retrying', { attempt, code: outcome.error.code, reason: outcome.reason, delayMs });
          const progress: CallProgress = { attempt, maxAttempts, reason: outcome.reason, retryAt: new Date(Date.now() + delayMs).toISOString() };
          // Runs started before the memo existed replay without it.
          if (patched('call-progress-memo')) upsertMemo({ [callProgressMemo]: progress });
          await sleep(delayMs, {
            summary: oneLine(`retry ${attempt + 1}/${maxAttempts} in ${seconds(delayMs)} (${why}): ${outcome.reason}`),
          });
        }
        attempt += 1;
        break;
      }
    }
  }
}
