import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  type ActivityOptions,
  type LocalActivityOptions,
  patched,
  setHandler,
  sleep,
  upsertMemo,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { callProgressMemo, slowLaneOf, type CallProgress } from './contracts/runs.js';
import type { ActionResult, ExecuteActionInput } from './contracts/action.js';
import { capacityGrantedSignal, THROTTLE_TIMER_LEAD_MS, throttleChangedSignal, type AttemptError, type AttemptInput, type AttemptOutcome, type CapacityAnswer, type CapacityClaim, type SlotReservation } from './contracts/attempt.js';
import { errorCodes, failureOf, toApplicationFailure } from './contracts/failures.js';

/** Sends per call, retries included (waits for a throttle slot are not attempts). */
const MAX_ATTEMPTS = 6;
const BACKOFF_INITIAL_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
/** A run queued for its account's capacity claims again this often, in case the word that it was granted got lost. */
const QUEUE_RECHECK_MS = 60_000;

/**
 * The fast lane: an attempt as a local activity, in the worker that runs the workflow task, so a
 * call that needs no wait costs no server-side task dispatch and the run completes in the
 * workflow task that started it. It hands off when the upstream has not answered within its
 * budget (activities/lanes.ts), so this time-out only bounds a worker without a hand-off queue.
 * No retries of its own (maximumAttempts 1): every retry is decided here, after a durable timer.
 * Longer than the largest UPSTREAM_TOTAL_TIMEOUT_MS config accepts (10 min), so the attempt's own
 * time-out fires first.
 */
const fastLane: LocalActivityOptions = { startToCloseTimeout: '11 minutes', retry: { maximumAttempts: 1 } };
const { attemptConnectorAction } = proxyLocalActivities<Activities>(fastLane);
const { claimCallCapacity, releaseCallCapacity } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10 },
});

/**
 * The slow lane: a regular activity on the slow task queue, heartbeating. A lost worker is
 * noticed by the heartbeat time-out and Temporal runs the attempt again elsewhere, under the same
 * activity id, so the send mark the lost run left refuses a request that may not be sent twice.
 * Our own failures (coded) are never retried by Temporal: the loop below decides.
 */
const slowLane: ActivityOptions = {
  startToCloseTimeout: '11 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: [...errorCodes] },
};
/** A handed-off attempt, collected on its worker's own queue: if that worker is gone, nobody will take it. */
const handedOff: ActivityOptions = {
  startToCloseTimeout: '11 minutes',
  heartbeatTimeout: '20 seconds',
  scheduleToStartTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
};
const slowLaneActivities = proxyActivities<Activities>(slowLane);
const { awaitHandedOffAttempt } = proxyActivities<Activities>(handedOff);

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

/** An attempt's outcome, or a retryable INTERNAL_ERROR when it threw (see thrownAttemptError). */
async function outcomeOf(attempt: () => Promise<AttemptOutcome>): Promise<AttemptOutcome> {
  try {
    return await attempt();
  } catch (error) {
    if (isCancellation(error)) throw error;
    const attemptError = thrownAttemptError(error);
    if (attemptError instanceof ApplicationFailure) throw attemptError;
    return { kind: 'retry', error: attemptError, reason: `${attemptError.code}: ${attemptError.message}` };
  }
}

const claimOf = (input: AttemptInput): CapacityClaim => ({
  leaseId: input.leaseId,
  accountId: input.action.accountId,
  serverId: input.action.serverId,
  workflowId: workflowInfo().workflowId,
});

const release = (claim: CapacityClaim) => CancellationScope.nonCancellable(() => releaseCallCapacity(claim));

/**
 * Waits, durably, until the attempt's claim on its account's (and server's) in-flight capacity
 * is granted: a timer named for the reason ("queued: account acc_1 at its in-flight cap (200)"),
 * ended early by the capacityGranted signal a release sends. The run holds no slot meanwhile.
 */
async function takeCapacity(claim: CapacityClaim, granted: Set<string>, first?: CapacityAnswer): Promise<void> {
  try {
    for (let answer = first ?? (await claimCallCapacity(claim)); ; answer = await claimCallCapacity(claim)) {
      if (answer.granted || granted.has(claim.leaseId)) return;
      if (await condition(() => granted.has(claim.leaseId), QUEUE_RECHECK_MS, { summary: oneLine(answer.reason) })) return;
    }
  } catch (error) {
    // Cancelled while queued: leave the queue.
    await release(claim);
    throw error;
  }
}

/** The attempt on the slow lane, once its account has room for it (`claimed`: the fast lane's answer); its place is given back after. */
async function attemptOnSlowLane(input: AttemptInput, why: string, granted: Set<string>, claimed?: CapacityAnswer): Promise<AttemptOutcome> {
  const claim = claimOf(input);
  await takeCapacity(claim, granted, claimed);
  const { attemptConnectorAction: slowAttempt } = slowLaneActivities;
  try {
    return await outcomeOf(() =>
      slowAttempt.executeWithOptions(
        {
          ...slowLane,
          taskQueue: slowLaneOf(workflowInfo().taskQueue),
          // Used by a cluster with task-queue fairness (Temporal Server ≥ 1.31, matching.enableFairness):
          // it dispatches the slow lane's backlog fairly between accounts. Others ignore it.
          priority: { fairnessKey: input.action.accountId, fairnessWeight: 1 },
          summary: oneLine(`attempt ${input.attempt} on the slow lane (${why}): ${input.action.connectorId} ${input.action.actionId}`),
        },
        [input],
      ),
    );
  } finally {
    await release(claim);
  }
}

/**
 * A fast attempt that outran its budget goes on in the worker that sent it; this collects its
 * outcome there. If that worker is gone, whether the upstream acted is unknown: a request that
 * may be sent again is retried, any other is not.
 */
async function collectHandedOff(input: AttemptInput, handoff: Extract<AttemptOutcome, { kind: 'handedOff' }>): Promise<AttemptOutcome> {
  const { connectorId, actionId } = input.action;
  try {
    return await awaitHandedOffAttempt.executeWithOptions(
      { ...handedOff, taskQueue: handoff.taskQueue, summary: oneLine(`attempt ${input.attempt}, handed off (${handoff.reason}): ${connectorId} ${actionId}`) },
      [{ handoffId: handoff.handoffId, connectorId }],
    );
  } catch (error) {
    if (isCancellation(error)) throw error;
    const lost = `the worker holding attempt ${input.attempt} stopped before ${connectorId} answered`;
    const details = { connectorId, actionId, sent: 'unknown' };
    if (handoff.resendable) return { kind: 'retry', error: { code: 'UPSTREAM_ERROR', message: lost, details }, reason: lost };
    return { kind: 'failed', error: { code: 'UPSTREAM_ERROR', message: `${lost}; not sent again because ${actionId} is not idempotent`, details } };
  } finally {
    await release(claimOf(input));
  }
}

/**
 * A connector call driven by the workflow: each attempt runs on the fast lane (a local activity
 * in the workflow task) or, when it may run long, on the slow lane (see activities/lanes.ts), and
 * every wait is a durable timer named for its reason ("throttle slot for slack", "retry 2/6 in 1
 * s: 500 from slack", "queued: account acc_1 at its in-flight cap (200)"). A waiting run holds no
 * worker slot; it survives worker restarts and wakes on time. A throttleChanged signal (the
 * connector's rate limit changed) ends a throttle wait early so the run reserves again under the
 * new limit. Shared by executeAction and executePlan's steps.
 */
export async function callConnectorAction(action: ExecuteActionInput): Promise<ActionResult> {
  let throttleChanged = false;
  setHandler(throttleChangedSignal, () => {
    throttleChanged = true;
  });
  const granted = new Set<string>();
  setHandler(capacityGrantedSignal, (leaseId) => void granted.add(leaseId));
  let call = action;
  let slot: SlotReservation | undefined;
  let refreshOn401 = true;
  /** Why this call's attempts run on the slow lane, once they do. */
  let slowBecause: string | undefined;
  for (let attempt = 1; ; ) {
    throttleChanged = false;
    const input: AttemptInput = { action: call, attempt, refreshOn401, leaseId: `${workflowInfo().workflowId}/${uuid4()}`, ...(slot ? { slot } : {}) };
    slot = undefined;
    let outcome: AttemptOutcome | undefined;
    if (slowBecause === undefined) {
      const summary = `attempt ${attempt}: ${call.connectorId} ${call.actionId}${input.slot ? ' (throttle slot due)' : ''}`;
      outcome = await outcomeOf(() => attemptConnectorAction.executeWithOptions({ ...fastLane, summary }, [input]));
      if (outcome.kind === 'slow') {
        slowBecause = outcome.reason;
        outcome = await attemptOnSlowLane(input, slowBecause, granted, outcome.capacity);
      } else if (outcome.kind === 'handedOff') {
        outcome = await collectHandedOff(input, outcome);
      }
    } else {
      outcome = await attemptOnSlowLane(input, slowBecause, granted);
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
          // An upstream that failed once may be slow to recover: retries keep out of the workflow task.
          slowBecause ??= 'a retry';
        }
        attempt += 1;
        break;
      }
      case 'slow':
      case 'handedOff':
        // Only the fast lane answers these, and both were handled above.
        throw failureOf('INTERNAL_ERROR', `A slow-lane attempt answered ${outcome.kind}`, {});
    }
  }
}
