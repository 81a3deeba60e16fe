import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RUN_INPUT_BYTES } from '../../src/workflows/contracts/runs.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { until } from '../support/faults.js';
import { connectToFakeSaas } from '../support/fixtures.js';
import { api, connectMcp, toolError } from '../support/mcp.js';

interface AttemptMark {
  summary?: string;
  outcome?: { kind: string; reason?: string; delayMs?: number; error?: { code: string; details: { status?: number } } };
}

/**
 * What an operator reads in the Temporal UI: each attempt (a local-activity marker on the fast
 * lane, an activity with its result on the slow lane) and each timer with its summary.
 */
async function historyOf(app: TestApp, workflowId: string) {
  const history = await app.temporal.client.workflow.getHandle(workflowId).fetchHistory();
  const text = (payload: Payload | null | undefined) => (payload ? defaultPayloadConverter.fromPayload<string>(payload as Payload) : undefined);
  const attempts: AttemptMark[] = [];
  const slowAttempts = new Map<number, AttemptMark>();
  const timers: string[] = [];
  for (const event of history.events ?? []) {
    const summary = text(event.userMetadata?.summary);
    if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity' && summary?.startsWith('attempt ')) {
      const data = event.markerRecordedEventAttributes.details?.result?.payloads?.[0];
      attempts.push({ summary, ...(data ? { outcome: defaultPayloadConverter.fromPayload(data as Payload) } : {}) });
    }
    if (event.activityTaskScheduledEventAttributes && summary?.startsWith('attempt ')) {
      const attempt = { summary };
      slowAttempts.set(Number(event.eventId), attempt);
      attempts.push(attempt);
    }
    const completed = event.activityTaskCompletedEventAttributes;
    const slowAttempt = completed ? slowAttempts.get(Number(completed.scheduledEventId)) : undefined;
    const data = completed?.result?.payloads?.[0];
    if (slowAttempt && data) slowAttempt.outcome = defaultPayloadConverter.fromPayload(data as Payload);
    if (event.timerStartedEventAttributes) timers.push(summary ?? '(no summary)');
  }
  return { attempts, timers };
}

describe('durable waiting: attempts and waits in the run history', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let mcp: Client;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  const execute = (connectorId: string, actionId: string, parameters: Record<string, unknown>) =>
    mcp.callTool({ name: 'execute_action', arguments: { connectorId, actionId, parameters } });
  const workflowIdOf = (result: Awaited<ReturnType<typeof execute>>) => (result.structuredContent as { workflowId: string }).workflowId;

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
    await connectToFakeSaas(app, fake, ['slack', 'github']);
    mcp = await connectMcp((await call('POST', '/api/servers', { name: 'durable' })).body.accessUrl);
  });
  afterAll(async () => {
    await mcp?.close();
    await fake?.close();
    await app?.close();
  });
  beforeEach(() => fake.reset());

  it('records 500, 500, 200 as three attempts with two backoff timers naming the failure', async () => {
    fake.fail({ path: '/conversations.list', status: 500, times: 2 });
    const result = await execute('slack', 'conversations_list', {});
    expect(result.isError).toBeFalsy();
    expect(fake.requests).toHaveLength(3);

    const { attempts, timers } = await historyOf(app, workflowIdOf(result));
    expect(attempts.map((attempt) => attempt.outcome?.kind)).toEqual(['retry', 'retry', 'succeeded']);
    // The first attempt in the workflow task (the fast lane); retries on the slow lane.
    expect(attempts.map((attempt) => attempt.summary)).toEqual([
      'attempt 1: slack conversations_list',
      'attempt 2 on the slow lane (a retry): slack conversations_list',
      'attempt 3 on the slow lane (a retry): slack conversations_list',
    ]);
    expect(attempts[0]!.outcome).toMatchObject({ reason: '500 from slack', error: { code: 'UPSTREAM_ERROR', details: { status: 500 } } });
    expect(timers).toEqual(['retry 2/6 in 1 s (backoff): 500 from slack', 'retry 3/6 in 2 s (backoff): 500 from slack']);
  });

  it('shows the attempts and waits on GET /api/runs/:id, for operators and the console', async () => {
    fake.fail({ path: '/conversations.list', status: 500, times: 1 });
    const started = await call('POST', '/api/runs', { kind: 'action', connectorId: 'slack', actionId: 'conversations_list', parameters: {} });
    expect(started.status).toBe(202);
    let run = (await call('GET', `/api/runs/${started.body.runId}`)).body;
    for (let tries = 0; run.status === 'running' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      run = (await call('GET', `/api/runs/${started.body.runId}`)).body;
    }
    expect(run.status).toBe('succeeded');
    expect(run.timeline).toEqual([
      expect.objectContaining({ kind: 'attempt', lane: 'fast', summary: 'attempt 1: slack conversations_list', outcome: 'retry', status: 500, code: 'UPSTREAM_ERROR', reason: '500 from slack' }),
      expect.objectContaining({ kind: 'wait', summary: 'retry 2/6 in 1 s (backoff): 500 from slack', waitMs: 1000 }),
      expect.objectContaining({ kind: 'attempt', lane: 'slow', summary: 'attempt 2 on the slow lane (a retry): slack conversations_list', outcome: 'succeeded', status: 200 }),
    ]);
    expect(JSON.stringify(run.timeline)).not.toContain(fake.token);
  });

  it('waits out a 429 with Retry-After as a timer saying so', async () => {
    fake.fail({ path: '/conversations.list', status: 429, headers: { 'retry-after': '2' }, times: 1 });
    const result = await execute('slack', 'conversations_list', {});
    expect(result.isError).toBeFalsy();
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(2000);

    const { attempts, timers } = await historyOf(app, workflowIdOf(result));
    expect(attempts[0]!.outcome).toMatchObject({ kind: 'retry', delayMs: 2000, error: { details: { status: 429 } } });
    // The 429 also paused the key, so the retry may find its throttle slot a moment later still.
    expect(timers[0]).toBe('retry 2/6 in 2 s (as the upstream asked): 429 from slack, Retry-After 2 s');
    expect(attempts.at(-1)!.outcome?.kind).toBe('succeeded');
  });

  it('waits for a throttle slot in a named timer; only the last stretch inside the attempt', async () => {
    expect((await call('PUT', '/api/connectors/github/settings', { rateLimit: { requestsPerSecond: 1, burst: 1 } })).status).toBe(200);
    try {
      const results = await Promise.all([1, 2, 3, 4].map((i) => execute('github', 'issues_create', { owner: 'acme', repo: 'web', title: `t${i}` })));
      expect(results.filter((result) => result.isError)).toEqual([]);
      const times = fake.requests.map((request) => request.at).sort((a, b) => a - b);
      expect(times[3]! - times[0]!).toBeGreaterThanOrEqual(2900);
      const histories = await Promise.all(results.map((result) => historyOf(app, workflowIdOf(result))));
      const throttleTimers = histories.flatMap((history) => history.timers).filter((timer) => timer.startsWith('throttle slot for github'));
      expect(throttleTimers.length).toBeGreaterThanOrEqual(2);
      const waited = histories.find((history) => history.timers.length > 0)!;
      expect(waited.attempts[0]!.outcome).toMatchObject({ kind: 'throttled', reason: 'throttle slot for github' });
      expect(waited.attempts.at(-1)).toMatchObject({ summary: 'attempt 1: github issues_create (throttle slot due)', outcome: { kind: 'succeeded' } });
    } finally {
      await call('PUT', '/api/connectors/github/settings', { rateLimit: null });
    }
  });

  it('gives plan steps the same attempts and named waits', async () => {
    fake.fail({ path: '/conversations.list', status: 503, headers: { 'retry-after': '1' }, times: 1 });
    const result = await mcp.callTool({
      name: 'execute_plan',
      arguments: { plan: { connectorId: 'slack', steps: [{ actionId: 'conversations_list', parameters: {} }, { actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'done' } }] } },
    });
    expect(result.isError).toBeFalsy();
    const { attempts, timers } = await historyOf(app, (result.structuredContent as { workflowId: string }).workflowId);
    expect(attempts.map((attempt) => [attempt.summary, attempt.outcome?.kind])).toEqual([
      ['attempt 1: slack conversations_list', 'retry'],
      ['attempt 2 on the slow lane (a retry): slack conversations_list', 'succeeded'],
      // Each step starts on the fast lane.
      ['attempt 1: slack chat_postMessage', 'succeeded'],
    ]);
    expect(timers).toEqual(['retry 2/6 in 1 s (as the upstream asked): 503 from slack, Retry-After 1 s']);
  });

  it('moves runs already waiting on a throttle to a raised limit', async () => {
    // One call per 1,000 s: after the first, each run's slot is a quarter of an hour or more away,
    // so only the raise can finish them within the test's time-out, and each must have been woken.
    expect((await call('PUT', '/api/connectors/github/settings', { rateLimit: { requestsPerSecond: 0.001, burst: 1 } })).status).toBe(200);
    try {
      const started = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          call('POST', '/api/runs', { kind: 'action', connectorId: 'github', actionId: 'issues_create', parameters: { owner: 'a', repo: 'b', title: `q${i}` } }),
        ),
      );
      expect(started.every((run) => run.status === 202)).toBe(true);
      const handles = started.map((run) => app.temporal.client.workflow.getHandle(run.body.workflowId));
      const waitingOnThrottle = async (handle: (typeof handles)[number]) =>
        ((await handle.fetchHistory()).events ?? []).some((event) => event.timerStartedEventAttributes);
      // Every run has sent or is asleep on its throttle timer (all of them, when an earlier call
      // already used the one slot within reach).
      let waiting = 0;
      await until(async () => {
        waiting = (await Promise.all(handles.map(waitingOnThrottle))).filter(Boolean).length;
        return waiting + fake.issues.length === 12;
      }, 'the runs to send or wait on the throttle');
      expect(waiting).toBeGreaterThanOrEqual(11);
      expect((await call('PUT', '/api/connectors/github/settings', { rateLimit: { requestsPerSecond: 20, burst: 1 } })).status).toBe(200);
      await Promise.all(handles.map((handle) => handle.result()));
      expect(fake.issues).toHaveLength(12);
      // Each waiting run was woken by the change: the signal, and its throttle timer cancelled.
      for (const handle of handles) {
        const events = (await handle.fetchHistory()).events ?? [];
        if (!events.some((event) => event.timerStartedEventAttributes)) continue;
        expect(events.some((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'throttleChanged')).toBe(true);
        expect(events.some((event) => event.timerCanceledEventAttributes)).toBe(true);
      }
    } finally {
      await call('PUT', '/api/connectors/github/settings', { rateLimit: null });
    }
  });
});

describe('payload limits: refused before anything starts, naming the limit', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let mcp: Client;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  // Everything in the input but the text is well under 1 KB; the text takes the rest.
  const text = (bytes: number) => 'x'.repeat(bytes);
  const justUnder = MAX_RUN_INPUT_BYTES - 1024;
  const justOver = MAX_RUN_INPUT_BYTES + 1;

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
    await connectToFakeSaas(app, fake, ['slack']);
    mcp = await connectMcp((await call('POST', '/api/servers', { name: 'payloads' })).body.accessUrl);
  });
  afterAll(async () => {
    await mcp?.close();
    await fake?.close();
    await app?.close();
  });
  beforeEach(() => fake.reset());

  it('execute_action over MCP: just under runs, just over and 2.5 MB are INVALID_REQUEST', async () => {
    const under = await mcp.callTool({ name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: text(justUnder) } } });
    expect(under.isError).toBeFalsy();
    expect(fake.requests).toHaveLength(1);
    for (const size of [justOver, 2.5 * 1024 * 1024]) {
      const over = await mcp.callTool({ name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: text(size) } } });
      expect(over.isError).toBe(true);
      expect(toolError(over)).toMatchObject({ code: 'INVALID_REQUEST', details: { limitBytes: MAX_RUN_INPUT_BYTES } });
      expect(toolError(over)?.message).toContain('500 KB');
    }
    expect(fake.requests).toHaveLength(1);
  });

  it('/api/runs actions and plans: just under starts, just over is 400', async () => {
    const action = (size: number) => ({ kind: 'action', connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: text(size) } });
    expect((await call('POST', '/api/runs', action(justUnder))).status).toBe(202);
    const over = await call('POST', '/api/runs', action(justOver));
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ code: 'INVALID_REQUEST', details: { limitBytes: MAX_RUN_INPUT_BYTES } });

    const plan = (size: number) => ({
      kind: 'plan',
      plan: { connectorId: 'slack', steps: [{ actionId: 'chat_postMessage', parameters: { channel: 'C1', text: text(size) } }] },
    });
    expect((await call('POST', '/api/runs', plan(justUnder))).status).toBe(202);
    const overPlan = await call('POST', '/api/runs', plan(justOver));
    expect(overPlan.status).toBe(400);
    expect(overPlan.body.error.code).toBe('INVALID_REQUEST');

    const mcpPlan = await mcp.callTool({ name: 'execute_plan', arguments: { plan: plan(justOver).plan } });
    expect(toolError(mcpPlan)).toMatchObject({ code: 'INVALID_REQUEST', details: { limitBytes: MAX_RUN_INPUT_BYTES } });
  });
});
