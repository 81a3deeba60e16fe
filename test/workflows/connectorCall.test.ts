import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import type { ErrorCode } from '../../src/errors.js';
import { callProgressMemo, slowLaneOf, workflowTypes, type CallProgress, type ExecuteActionWorkflow } from '../../src/workflows/contracts/runs.js';
import type { ExecuteActionInput } from '../../src/workflows/contracts/action.js';
import { capacityGrantedSignal, throttleChangedSignal, type CapacityAnswer, type HandoffInput, type AttemptError, type AttemptInput, type AttemptOutcome } from '../../src/workflows/contracts/attempt.js';
import {
  EventType,
  connectWorkflowTests,
  eventsOf,
  historyOf,
  summaryOf,
  timerMs,
  polling,
  type HistoryEvent,
  type WorkflowTestEnvironment,
} from '../support/workflowWorker.js';

// Every wait of a connector call is a durable timer of the run (src/workflows/connectorCall.ts).
// The attempt activity is mocked: each test scripts the outcomes the attempts report and reads the
// waits back from the run's history. Timers fire at the dev server's second granularity, so the
// durations here are short and each wait costs about a second of real time.

let env: WorkflowTestEnvironment;
beforeAll(async () => {
  env = await connectWorkflowTests(['attemptConnectorAction', 'awaitHandedOffAttempt', 'claimCallCapacity', 'releaseCallCapacity']);
});
afterAll(async () => {
  await env?.close();
});

const action: ExecuteActionInput = {
  accountId: 'acc_1',
  userId: 'user_1',
  serverId: 'srv_1',
  connectorId: 'slack',
  actionId: 'chat_post_message',
  parameters: { channel: 'C1', text: 'hello' },
  credentialId: 'cred_1',
};
const succeeded: AttemptOutcome = { kind: 'succeeded', result: { status: 200, data: { ok: true } } };
const serverError: AttemptError = { code: 'UPSTREAM_ERROR', message: 'slack answered 500', details: { status: 500 } };

/** Capacity always granted at once; the leases claimed and released, in order. */
function roomyCapacity() {
  const claimed: string[] = [];
  const released: string[] = [];
  const activities = {
    claimCallCapacity: (async (claim) => {
      claimed.push(claim.leaseId);
      return { granted: true };
    }) satisfies Activities['claimCallCapacity'],
    releaseCallCapacity: (async (claim) => {
      released.push(claim.leaseId);
    }) satisfies Activities['releaseCallCapacity'],
  };
  return { claimed, released, activities };
}

/** An attemptConnectorAction that reports these outcomes in turn and keeps what it was asked (and on which lane). */
function scriptedAttempts(outcomes: AttemptOutcome[]) {
  const inputs: AttemptInput[] = [];
  const lanes: Array<'fast' | 'slow'> = [];
  const attemptConnectorAction: Activities['attemptConnectorAction'] = async (input) => {
    inputs.push(input);
    lanes.push(Context.current().info.isLocal ? 'fast' : 'slow');
    const outcome = outcomes[inputs.length - 1];
    if (!outcome) throw ApplicationFailure.nonRetryable(`unscripted attempt ${inputs.length}`, 'TEST_SCRIPT');
    return outcome;
  };
  const capacity = roomyCapacity();
  return { inputs, lanes, capacity, activities: { attemptConnectorAction, ...capacity.activities } };
}

async function startAction(taskQueue: string, input: ExecuteActionInput = action) {
  return env.client.workflow.start<ExecuteActionWorkflow>(workflowTypes.executeAction, {
    workflowId: `workflow-test/connector-call/${randomUUID()}`,
    taskQueue,
    args: [input],
  });
}

describe('connector call waits', () => {
  it('waits for a throttle slot on a timer named for the reason, then sends in the reserved slot', async () => {
    const slot = { slotMs: 1_700_000_000_000, generation: 3 };
    const { inputs, activities } = scriptedAttempts([
      { kind: 'throttled', slot, waitMs: 1300, reason: 'throttle slot for slack' },
      succeeded,
    ]);
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startAction(taskQueue);
      expect(await handle.result()).toEqual({ status: 200, data: { ok: true } });

      const history = await historyOf(handle);
      const [timer, ...others] = eventsOf(history, EventType.EVENT_TYPE_TIMER_STARTED);
      expect(others).toEqual([]);
      expect(summaryOf(timer!)).toBe('throttle slot for slack (attempt 1, 1.3 s)');
      // The timer ends THROTTLE_TIMER_LEAD_MS early; the attempt waits out the final approach.
      expect(timerMs(timer!)).toBe(200);
      expect(eventsOf(history, EventType.EVENT_TYPE_TIMER_FIRED)).toHaveLength(1);
    });
    // A throttle wait is not an attempt: the send after it is still attempt 1, in the slot it waited for.
    expect(inputs.map(({ attempt, slot }) => ({ attempt, slot }))).toEqual([
      { attempt: 1, slot: undefined },
      { attempt: 1, slot },
    ]);
  });

  it('ends a throttle wait when the rate limit changes and reserves again without the old slot', async () => {
    const { inputs, activities } = scriptedAttempts([
      { kind: 'throttled', slot: { slotMs: 1, generation: 1 }, waitMs: 120_000, reason: 'throttle slot for slack' },
      succeeded,
    ]);
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startAction(taskQueue);
      await expect.poll(async () => eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED).length, polling).toBe(1);
      await handle.signal(throttleChangedSignal);
      expect(await handle.result()).toMatchObject({ status: 200 });
      expect(eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_CANCELED)).toHaveLength(1);
    });
    expect(inputs.map(({ attempt, slot }) => ({ attempt, slot }))).toEqual([
      { attempt: 1, slot: undefined },
      { attempt: 1, slot: undefined },
    ]);
  });

  it('honours the delay the upstream asked for (Retry-After) before the next attempt', async () => {
    const { inputs, lanes, activities } = scriptedAttempts([
      {
        kind: 'retry',
        error: { code: 'RATE_LIMITED', message: 'slack answered 429', details: { status: 429 } },
        reason: '429 from slack',
        delayMs: 300,
      },
      succeeded,
    ]);
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startAction(taskQueue);
      expect(await handle.result()).toMatchObject({ status: 200 });
      const [timer, ...others] = eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED);
      expect(others).toEqual([]);
      expect(timerMs(timer!)).toBe(300);
      expect(summaryOf(timer!)).toBe('retry 2/6 in 0.3 s (as the upstream asked): 429 from slack');
    });
    expect(inputs.map((input) => input.attempt)).toEqual([1, 2]);
    // A retry keeps out of the workflow task.
    expect(lanes).toEqual(['fast', 'slow']);
  });

  it('backs off on a retryable failure without a hint, and treats a thrown attempt as retryable', async () => {
    const attemptConnectorAction: Activities['attemptConnectorAction'] = async (input) => {
      if (input.attempt === 1) return { kind: 'retry', error: serverError, reason: '500 from slack' };
      if (input.attempt === 2) throw new Error('database connection lost');
      return succeeded;
    };
    await env.withActivities({ attemptConnectorAction, ...roomyCapacity().activities }, async (taskQueue) => {
      const handle = await startAction(taskQueue);
      expect(await handle.result()).toMatchObject({ status: 200 });
      const timers = eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED);
      // Exponential: 1 s after the first attempt, 2 s after the second.
      expect(timers.map(timerMs)).toEqual([1000, 2000]);
      expect(timers.map(summaryOf)).toEqual([
        'retry 2/6 in 1 s (backoff): 500 from slack',
        'retry 3/6 in 2 s (backoff): INTERNAL_ERROR: database connection lost',
      ]);
    });
  });

  it('stops at once on a non-retryable failure, with its code, and waits for nothing', async () => {
    const { inputs, activities } = scriptedAttempts([
      { kind: 'failed', error: { code: 'FORBIDDEN', message: 'slack answered 403: missing_scope', details: { status: 403 } } },
    ]);
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startAction(taskQueue);
      const failure = await handle.result().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause.type).toBe('FORBIDDEN');
      expect(cause.message).toBe('slack answered 403: missing_scope');
      expect(cause.details).toEqual([{ status: 403 }]);
      expect(eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED)).toEqual([]);
    });
    expect(inputs).toHaveLength(1);
  });

  it('retries at once after a token refresh, with the new credential, and gives up after the last attempt', async () => {
    const retryNow = (code: ErrorCode): Extract<AttemptOutcome, { kind: 'retry' }> => ({
      kind: 'retry',
      error: { code, message: `${code} from slack`, details: {} },
      reason: `${code} from slack`,
      delayMs: 0,
    });
    const { inputs, lanes, activities } = scriptedAttempts([
      { ...retryNow('UNAUTHORIZED'), tokenRefreshed: { credentialId: 'cred_2' } },
      retryNow('UPSTREAM_ERROR'),
      retryNow('UPSTREAM_ERROR'),
      retryNow('UPSTREAM_ERROR'),
      retryNow('UPSTREAM_ERROR'),
      retryNow('RATE_LIMITED'),
    ]);
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startAction(taskQueue);
      const failure = (await handle.result().catch((error: unknown) => error)) as WorkflowFailedError;
      expect((failure.cause as ApplicationFailure).type).toBe('RATE_LIMITED');
      expect(eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED)).toEqual([]);
    });
    expect(inputs.map((input) => input.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    // One refresh per call: later 401s are not refreshed again.
    expect(inputs.map((input) => input.refreshOn401)).toEqual([true, false, false, false, false, false]);
    expect(inputs.map((input) => input.action.credentialId)).toEqual(['cred_1', 'cred_2', 'cred_2', 'cred_2', 'cred_2', 'cred_2']);
    // Immediate retries (no delay) stay on the lane they were on.
    expect(lanes).toEqual(Array(6).fill('fast'));
  });
});

describe('the fast and the slow lane', () => {
  const slowAnswer = (capacity: CapacityAnswer): AttemptOutcome => ({ kind: 'slow', reason: 'its last call took 20.0 s', capacity });
  const scheduled = (history: HistoryEvent[]) => eventsOf(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);

  it('runs an attempt the fast lane turned away on the slow lane, with its account as fairness key, and gives its place back', async () => {
    const { inputs, lanes, capacity, activities } = scriptedAttempts([slowAnswer({ granted: true }), succeeded]);
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startAction(taskQueue);
      expect(await handle.result()).toEqual({ status: 200, data: { ok: true } });
      const [activity, ...others] = scheduled(await historyOf(handle));
      expect(others).toEqual([]);
      const attributes = activity!.activityTaskScheduledEventAttributes!;
      expect(attributes.taskQueue?.name).toBe(slowLaneOf(taskQueue));
      expect(summaryOf(activity!)).toBe('attempt 1 on the slow lane (its last call took 20.0 s): slack chat_post_message');
      // Server 1.29 keeps the fairness key in history without acting on it (docs/fair-execution.md).
      if (attributes.priority?.fairnessKey) expect(attributes.priority.fairnessKey).toBe('acc_1');
    });
    expect(lanes).toEqual(['fast', 'slow']);
    // The same attempt, under the claim the fast lane took for it, given back once it is over.
    expect(inputs.map(({ attempt, leaseId }) => ({ attempt, leaseId }))).toEqual([
      { attempt: 1, leaseId: inputs[0]!.leaseId },
      { attempt: 1, leaseId: inputs[0]!.leaseId },
    ]);
    expect(capacity.claimed).toEqual([]);
    expect(capacity.released).toEqual([inputs[0]!.leaseId]);
  });

  it('queues over its account cap on a timer named for the reason, and starts when its claim is granted', async () => {
    const queued = { granted: false, reason: 'queued: account acc_1 at its in-flight cap (2), 3 ahead' } as const;
    const { inputs, lanes, capacity, activities } = scriptedAttempts([slowAnswer(queued), succeeded]);
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startAction(taskQueue);
      await expect.poll(async () => eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED).length, polling).toBe(1);
      expect(lanes).toEqual(['fast']);
      await handle.signal(capacityGrantedSignal, inputs[0]!.leaseId);
      expect(await handle.result()).toMatchObject({ status: 200 });
      const history = await historyOf(handle);
      expect(eventsOf(history, EventType.EVENT_TYPE_TIMER_STARTED).map(summaryOf)).toEqual([queued.reason]);
      expect(eventsOf(history, EventType.EVENT_TYPE_TIMER_CANCELED)).toHaveLength(1);
    });
    expect(lanes).toEqual(['fast', 'slow']);
    expect(capacity.released).toEqual([inputs[0]!.leaseId]);
  });

  it('leaves the queue when the run is cancelled while it waits', async () => {
    const queued = { granted: false, reason: 'queued: server srv_1 at its in-flight cap (1)' } as const;
    const { inputs, lanes, capacity, activities } = scriptedAttempts([slowAnswer(queued)]);
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startAction(taskQueue);
      await expect.poll(async () => eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED).length, polling).toBe(1);
      await handle.cancel();
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    });
    expect(lanes).toEqual(['fast']);
    expect(capacity.released).toEqual([inputs[0]!.leaseId]);
  });

  it('collects a handed-off attempt on the queue it names, without sending it again', async () => {
    const collected: HandoffInput[] = [];
    // The hand-off names a queue the test's slow-lane worker polls.
    let handoffQueue = '';
    const { inputs, lanes, capacity, activities } = scriptedAttempts([]);
    await env.withActivities(
      {
        ...activities,
        attemptConnectorAction: async (input) => {
          await activities.attemptConnectorAction(input).catch(() => undefined);
          return { kind: 'handedOff', taskQueue: handoffQueue, handoffId: 'h-1', reason: 'no answer within 1.0 s', resendable: false };
        },
        awaitHandedOffAttempt: async (input) => (collected.push(input), succeeded),
      },
      async (taskQueue) => {
        handoffQueue = slowLaneOf(taskQueue);
        const handle = await startAction(taskQueue);
        expect(await handle.result()).toEqual({ status: 200, data: { ok: true } });
        expect(scheduled(await historyOf(handle)).map(summaryOf)).toEqual(['attempt 1, handed off (no answer within 1.0 s): slack chat_post_message']);
      },
    );
    expect(lanes).toEqual(['fast']);
    expect(collected).toEqual([{ handoffId: 'h-1', connectorId: 'slack' }]);
    expect(capacity.released).toEqual([inputs[0]!.leaseId]);
  });

  it('when the worker holding a hand-off is lost, retries a request that may be sent again and refuses any other', async () => {
    for (const resendable of [false, true]) {
      const { inputs, lanes, activities } = scriptedAttempts([]);
      let handoffQueue = '';
      await env.withActivities(
        {
          ...activities,
          attemptConnectorAction: async (input) => {
            await activities.attemptConnectorAction(input).catch(() => undefined);
            return inputs.length === 1 ? { kind: 'handedOff', taskQueue: handoffQueue, handoffId: 'h-2', reason: 'no answer within 1.0 s', resendable } : succeeded;
          },
          awaitHandedOffAttempt: async () => {
            throw new Error('the worker holding it is gone');
          },
        },
        async (taskQueue) => {
          handoffQueue = slowLaneOf(taskQueue);
          const handle = await startAction(taskQueue);
          if (!resendable) {
            const failure = (await handle.result().catch((error: unknown) => error)) as WorkflowFailedError;
            const cause = failure.cause as ApplicationFailure;
            expect(cause.type).toBe('UPSTREAM_ERROR');
            expect(cause.message).toMatch(/stopped before slack answered; not sent again because chat_post_message is not idempotent/);
            expect(cause.details).toEqual([{ connectorId: 'slack', actionId: 'chat_post_message', sent: 'unknown' }]);
            return;
          }
          expect(await handle.result()).toMatchObject({ status: 200 });
          const [timer] = eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED);
          expect(summaryOf(timer!)).toBe('retry 2/6 in 1 s (backoff): the worker holding attempt 1 stopped before slack answered');
        },
      );
      expect(lanes).toEqual(resendable ? ['fast', 'slow'] : ['fast']);
      expect(inputs.map((input) => input.attempt)).toEqual(resendable ? [1, 2] : [1]);
    }
  });

  it("gives up within a failure's own budget, naming the attempts and the last reason; the memo says what failed while it waits", async () => {
    const refused: Extract<AttemptOutcome, { kind: 'retry' }> = {
      kind: 'retry',
      error: { code: 'UPSTREAM_ERROR', message: '127.0.0.1:9 refused the connection (ECONNREFUSED)', details: { networkError: 'ECONNREFUSED' } },
      reason: 'ECONNREFUSED calling slack',
      maxAttempts: 2,
    };
    const { inputs, activities } = scriptedAttempts([refused, refused]);
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startAction(taskQueue);
      await expect.poll(async () => (await handle.describe()).memo?.[callProgressMemo], polling).toBeDefined();
      const progress = (await handle.describe()).memo![callProgressMemo] as CallProgress;
      expect(progress).toMatchObject({ attempt: 1, maxAttempts: 2, reason: 'ECONNREFUSED calling slack' });
      expect(Date.parse(progress.retryAt)).toBeGreaterThan(0);
      const failure = (await handle.result().catch((error: unknown) => error)) as WorkflowFailedError;
      const cause = failure.cause as ApplicationFailure;
      expect(cause.message).toBe('127.0.0.1:9 refused the connection (ECONNREFUSED); gave up after attempt 2/2 (ECONNREFUSED calling slack)');
      expect(cause.details).toEqual([{ networkError: 'ECONNREFUSED', attempts: 2 }]);
      const timers = eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED);
      expect(timers.map(summaryOf)).toEqual(['retry 2/2 in 1 s (backoff): ECONNREFUSED calling slack']);
    });
    expect(inputs.map((input) => input.attempt)).toEqual([1, 2]);
  });
});
