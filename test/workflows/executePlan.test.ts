import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import type { Plan } from '../../src/plans/schemas.js';
import { workflowTypes, type ExecutePlanWorkflow } from '../../src/workflows/contracts/runs.js';
import { throttleChangedSignal, type AttemptOutcome } from '../../src/workflows/contracts/attempt.js';
import { planProgressQuery, type ExecutePlanWorkflowInput, type PlanProgress } from '../../src/workflows/contracts/plan.js';
import { EventType, connectWorkflowTests, eventsOf, historyOf, polling, type WorkflowTestEnvironment } from '../support/workflowWorker.js';

// The executePlan workflow with a mocked attempt activity: each action answers from a table, so
// the tests choose which step fails and read back what the run undid, in which order. A step that
// must still be running when the test looks is held on a throttle wait (a long timer) that a
// throttleChanged signal or a cancellation ends.

let env: WorkflowTestEnvironment;
beforeAll(async () => {
  env = await connectWorkflowTests(['attemptConnectorAction']);
});
afterAll(async () => {
  await env?.close();
});

const ref = (fromStep: number, select: string) => ({ $ref: { fromStep, select } });

/** Create a channel, invite, post, pin: every step but the invite can be undone. */
const plan: Plan = {
  connectorId: 'slack',
  goal: 'announce the launch',
  steps: [
    {
      actionId: 'conversations_create',
      parameters: { name: 'launch' },
      compensation: { actionId: 'conversations_archive', parameters: { channel: ref(1, 'channel.id') } },
    },
    { actionId: 'conversations_invite', parameters: { channel: ref(1, 'channel.id'), users: 'U1' } },
    {
      actionId: 'chat_post_message',
      parameters: { channel: ref(1, 'channel.id'), text: { $ask: { ask: 'What to announce?' } } },
      compensation: { actionId: 'chat_delete', parameters: { channel: ref(1, 'channel.id'), ts: ref(3, 'ts') } },
    },
    { actionId: 'pins_add', parameters: { channel: ref(1, 'channel.id'), timestamp: ref(3, 'ts') } },
  ],
};

const planInput: ExecutePlanWorkflowInput = {
  accountId: 'acc_1',
  userId: 'user_1',
  serverId: 'srv_1',
  plan,
  inputs: { '3.text': 'We launch today' },
};

const raw: Record<string, unknown> = {
  conversations_create: { ok: true, channel: { id: 'C42', name: 'launch' } },
  conversations_invite: { ok: true },
  chat_post_message: { ok: true, ts: '1700000000.0001' },
  conversations_archive: { ok: true },
  chat_delete: { ok: true },
};
const ok = (actionId: string): AttemptOutcome => ({ kind: 'succeeded', result: { status: 200, data: { shaped: actionId }, raw: raw[actionId] } });
const holdOn = (reason: string): AttemptOutcome => ({ kind: 'throttled', slot: { slotMs: 1, generation: 1 }, waitMs: 120_000, reason });
const notPinnable: AttemptOutcome = {
  kind: 'failed',
  error: { code: 'UPSTREAM_ERROR', message: 'slack answered not_pinnable', details: { status: 200, error: 'not_pinnable' } },
};

/**
 * An attemptConnectorAction answering per action id (a function of how often that action was
 * tried; success with its raw body by default), recording every call.
 */
function actionTable(answers: Record<string, (tries: number) => AttemptOutcome>) {
  const calls: Array<{ actionId: string; parameters: Record<string, unknown> }> = [];
  const tries = new Map<string, number>();
  const attemptConnectorAction: Activities['attemptConnectorAction'] = async ({ action }) => {
    calls.push({ actionId: action.actionId, parameters: action.parameters });
    const count = (tries.get(action.actionId) ?? 0) + 1;
    tries.set(action.actionId, count);
    return answers[action.actionId]?.(count) ?? ok(action.actionId);
  };
  return { calls, activities: { attemptConnectorAction } };
}

async function startPlan(taskQueue: string) {
  return env.client.workflow.start<ExecutePlanWorkflow>(workflowTypes.executePlan, {
    workflowId: `workflow-test/execute-plan/${randomUUID()}`,
    taskQueue,
    args: [planInput],
  });
}

async function waitForTimer(handle: Awaited<ReturnType<typeof startPlan>>): Promise<void> {
  await expect.poll(async () => eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED).length, polling).toBe(1);
}

describe('executePlan compensation', () => {
  it('undoes the finished steps latest first when a step fails, and says which step failed', async () => {
    const { calls, activities } = actionTable({
      // Held on a throttle wait first, so the test sees the run mid-way; then the pin fails for good.
      pins_add: (tries) => (tries === 1 ? holdOn('throttle slot for slack') : notPinnable),
    });
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startPlan(taskQueue);
      await waitForTimer(handle);
      const midway = await handle.query(planProgressQuery);
      expect(midway.status).toBe('running');
      expect(midway.steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'running']);
      expect(midway.steps[2]!.result).toEqual({ shaped: 'chat_post_message' });

      await handle.signal(throttleChangedSignal);
      const error = await handle.result().then(
        () => expect.fail('the plan succeeded'),
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const failure = (error as WorkflowFailedError).cause as ApplicationFailure;
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure.type).toBe('UPSTREAM_ERROR');
      expect(failure.message).toBe('Step 4 (pins_add) failed: slack answered not_pinnable');

      const progress = failure.details?.[0] as PlanProgress;
      expect(await handle.query(planProgressQuery)).toEqual(progress);
      expect(progress.status).toBe('failed');
      expect(progress.failedStep).toBe(4);
      expect(progress.steps.map(({ status, compensation }) => ({ status, compensation: compensation?.status }))).toEqual([
        { status: 'succeeded', compensation: 'succeeded' },
        { status: 'succeeded', compensation: undefined },
        { status: 'succeeded', compensation: 'succeeded' },
        { status: 'failed', compensation: undefined },
      ]);
      expect(progress.steps[3]!.error).toEqual({
        code: 'UPSTREAM_ERROR',
        message: 'slack answered not_pinnable',
        details: { status: 200, error: 'not_pinnable' },
      });
      expect(progress.steps[0]!.compensation).toEqual({ actionId: 'conversations_archive', status: 'succeeded', result: { shaped: 'conversations_archive' } });
    });
    // Forward in order, references resolved from the raw results; then the undo, latest step first.
    expect(calls).toEqual([
      { actionId: 'conversations_create', parameters: { name: 'launch' } },
      { actionId: 'conversations_invite', parameters: { channel: 'C42', users: 'U1' } },
      { actionId: 'chat_post_message', parameters: { channel: 'C42', text: 'We launch today' } },
      { actionId: 'pins_add', parameters: { channel: 'C42', timestamp: '1700000000.0001' } },
      { actionId: 'pins_add', parameters: { channel: 'C42', timestamp: '1700000000.0001' } },
      { actionId: 'chat_delete', parameters: { channel: 'C42', ts: '1700000000.0001' } },
      { actionId: 'conversations_archive', parameters: { channel: 'C42' } },
    ]);
  });

  it('records a compensation that fails and still runs the earlier ones', async () => {
    const { calls, activities } = actionTable({
      pins_add: () => notPinnable,
      chat_delete: () => ({ kind: 'failed', error: { code: 'FORBIDDEN', message: 'cant_delete_message', details: {} } }),
    });
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startPlan(taskQueue);
      const error = (await handle.result().catch((failure: unknown) => failure)) as WorkflowFailedError;
      // The run's failure is the step's, not the compensation's.
      expect((error.cause as ApplicationFailure).type).toBe('UPSTREAM_ERROR');
      const progress = await handle.query(planProgressQuery);
      expect(progress.steps[2]!.compensation).toEqual({
        actionId: 'chat_delete',
        status: 'failed',
        error: { code: 'FORBIDDEN', message: 'cant_delete_message', details: {} },
      });
      expect(progress.steps[0]!.compensation?.status).toBe('succeeded');
    });
    expect(calls.slice(-2).map((call) => call.actionId)).toEqual(['chat_delete', 'conversations_archive']);
  });

  it('still undoes the finished steps when the run is cancelled, and ends cancelled', async () => {
    const { calls, activities } = actionTable({ conversations_invite: () => holdOn('throttle slot for slack') });
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startPlan(taskQueue);
      await waitForTimer(handle);
      await handle.cancel();
      const error = (await handle.result().catch((failure: unknown) => failure)) as WorkflowFailedError;
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect(error.cause).toBeInstanceOf(CancelledFailure);
      const progress = await handle.query(planProgressQuery);
      expect(progress.status).toBe('cancelled');
      expect(progress.steps.map((step) => step.status)).toEqual(['succeeded', 'cancelled', 'pending', 'pending']);
      expect(progress.steps[0]!.compensation?.status).toBe('succeeded');
      expect(eventsOf(await historyOf(handle), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED)).toHaveLength(1);
    });
    expect(calls.map((call) => call.actionId)).toEqual(['conversations_create', 'conversations_invite', 'conversations_archive']);
  });
});
