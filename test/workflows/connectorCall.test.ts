import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import {
  callProgressMemo,
  throttleChangedSignal,
  workflowTypes,
  type AttemptError,
  type AttemptInput,
  type AttemptOutcome,
  type CallProgress,
  type ErrorCode,
  type ExecuteActionInput,
  type ExecuteActionWorkflow,
} from '../../src/workflows/contracts.js';
import { EventType, connectWorkflowTests, eventsOf, historyOf, summaryOf, timerMs, polling, type WorkflowTestEnvironment } from '../support/workflowWorker.js';

// Every wait of a connector call is a durable timer of the run (src/workflows/connectorCall.ts).
// The attempt activity is mocked: each test scripts the outcomes the attempts report and reads the
// waits back from the run's history. Timers fire at the dev server's second granularity, so the
// durations here are short and each wait costs about a second of real time.

let env: WorkflowTestEnvironment;
beforeAll(async () => {
  env = await connectWorkflowTests(['attemptConnectorAction']);
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

/** An attemptConnectorAction that reports these outcomes in turn and keeps what it was asked. */
function scriptedAttempts(outcomes: AttemptOutcome[]) {
  const inputs: AttemptInput[] = [];
  const attemptConnectorAction: Activities['attemptConnectorAction'] = async (input) => {
    inputs.push(input);
    const outcome = outcomes[inputs.length - 1];
    if (!outcome) throw ApplicationFailure.nonRetryable(`unscripted attempt ${inputs.length}`, 'TEST_SCRIPT');
    return outcome;
  };
  return { inputs, activities: { attemptConnectorAction } };
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
    const { inputs, activities } = scriptedAttempts([
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
  });

  it('backs off on a retryable failure without a hint, and treats a thrown attempt as retryable', async () => {
    const attemptConnectorAction: Activities['attemptConnectorAction'] = async (input) => {
      if (input.attempt === 1) return { kind: 'retry', error: serverError, reason: '500 from slack' };
      if (input.attempt === 2) throw new Error('database connection lost');
      return succeeded;
    };
    await env.withActivities({ attemptConnectorAction }, async (taskQueue) => {
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
    const { inputs, activities } = scriptedAttempts([
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
