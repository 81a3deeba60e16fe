import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { TemporalHandle } from '../../client/temporal.js';
import type { RateLimit } from '../../connectors/schema.js';
import { ServiceUnavailableError } from '../../errors.js';
import { searchAttributes } from '../../workflows/searchAttributes.js';
import {
  acquirePermitsUpdate,
  HORIZON_MS,
  LATE_TOLERANCE_MS,
  throttleFeedbackSignal,
  throttleWorkflowId,
  type PermitGrant,
  type throttle,
  type ThrottleFeedback,
  type ThrottleKey,
  type ThrottleRate,
} from '../../workflows/throttle.js';

export type { ThrottleFeedback, ThrottleKey } from '../../workflows/throttle.js';

const MAX_FAILED_ASKS = 20;
/** Asks per update; a throttle run takes 1,000 updates before it hands over. */
const MAX_BATCH = 200;
const ASK_AGAIN_MS = 25;

function rateOf(rateLimit: RateLimit): ThrottleRate {
  return { requestsPerSecond: rateLimit.requestsPerSecond, ...(rateLimit.burst ? { burst: rateLimit.burst } : {}) };
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

/** Undefined outside an activity: the benchmark asks for permits directly. */
function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

interface Waiter {
  ticket?: string;
  resolve(grant: PermitGrant): void;
  reject(error: unknown): void;
}

/** The activity side of the throttle workflow: ask for a permit, report feedback. */
export function createThrottleClient(temporal: TemporalHandle) {
  // Asks for one key from this process travel together, one update at a time (see PermitBatch).
  const queues = new Map<string, { key: ThrottleKey; rate: ThrottleRate; waiting: Waiter[] }>();

  const sendBatches = async (workflowId: string) => {
    const queue = queues.get(workflowId)!;
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_BATCH);
      try {
        const grants = await temporal.client.workflow.executeUpdateWithStart(acquirePermitsUpdate, {
          args: [{ rate: queue.rate, asks: batch.map(({ ticket }) => (ticket ? { ticket } : {})) }],
          startWorkflowOperation: new WithStartWorkflowOperation<typeof throttle>('throttle', {
            workflowId,
            taskQueue: temporal.taskQueue,
            args: [{ key: queue.key, rate: queue.rate }],
            workflowIdConflictPolicy: 'USE_EXISTING',
            typedSearchAttributes: [
              { key: searchAttributes.accountId, value: queue.key.accountId },
              { key: searchAttributes.connectorId, value: queue.key.connectorId },
              { key: searchAttributes.runKind, value: 'throttle' },
            ],
            memo: { ...queue.key, rate: queue.rate },
          }),
        });
        batch.forEach((waiter, index) => waiter.resolve(grants[index]!));
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    queues.delete(workflowId);
  };

  const ask = (key: ThrottleKey, rate: ThrottleRate, ticket: string | undefined): Promise<PermitGrant> => {
    const workflowId = throttleWorkflowId(key);
    const existing = queues.get(workflowId);
    const queue = existing ?? { key, rate, waiting: [] };
    queue.rate = rate;
    const granted = new Promise<PermitGrant>((resolve, reject) => queue.waiting.push({ ...(ticket ? { ticket } : {}), resolve, reject }));
    if (!existing) {
      queues.set(workflowId, queue);
      void sendBatches(workflowId);
    }
    return granted;
  };

  return {
    /** Resolves when this caller may send; returns how long the throttle made it wait. */
    async acquire(key: ThrottleKey, rateLimit: RateLimit): Promise<number> {
      const rate = rateOf(rateLimit);
      const started = Date.now();
      // A cancelled run (or a worker shutting down) stops waiting for its turn.
      const context = currentActivity();
      const signal = context?.cancellationSignal ?? new AbortController().signal;
      let ticket: string | undefined;
      let failures = 0;
      for (;;) {
        context?.heartbeat();
        let grant: PermitGrant;
        try {
          grant = await abortable(ask(key, rate, ticket), signal);
        } catch (error) {
          if (signal.aborted) throw error;
          // An update that races the run's continue-as-new or idle end is aborted: ask the next run.
          if (++failures >= MAX_FAILED_ASKS) {
            throw new ServiceUnavailableError('The connector throttle did not answer', {
              workflowId: throttleWorkflowId(key),
              cause: (error as Error).message,
            });
          }
          await sleep(ASK_AGAIN_MS, undefined, { signal });
          continue;
        }
        const wait = grant.sendAt - Date.now();
        if (grant.ticket === undefined) {
          if (wait < -LATE_TOLERANCE_MS) {
            ticket = undefined;
            continue;
          }
          if (wait > 0) await sleep(wait, undefined, { signal });
          return Date.now() - started;
        }
        ticket = grant.ticket;
        await sleep(Math.max(0, wait - HORIZON_MS / 2), undefined, { signal });
      }
    },

    /** Best effort: a lost report only means other callers learn of the limit from their own 429. */
    async report(key: ThrottleKey, feedback: ThrottleFeedback): Promise<void> {
      await temporal.client.workflow
        .getHandle(throttleWorkflowId(key))
        .signal(throttleFeedbackSignal, feedback)
        .catch(() => undefined);
    },
  };
}

export type ThrottleClient = ReturnType<typeof createThrottleClient>;
