import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { busyQueueOf, slowLaneOf } from '../../src/workflows/contracts/runs.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { paymentsConnector, until } from '../support/faults.js';
import { api, connectMcp } from '../support/mcp.js';

/**
 * Fair admission through the real path: an MCP call held open by a slow fake API on 127.0.0.1
 * makes its server busy (BUSY_SERVER_OPEN_CALLS=1 here), so the server's next run, started with
 * POST /api/runs, goes to the busy task queue, where the worker's own busy worker runs it; the
 * run, its history and /metrics say so. A burst of one server's calls waiting for their account's
 * turns (one at a time here) does not hold back another server's call: its run's memo says how
 * many of the burst's starts it went ahead of. No timing is asserted.
 */
describe('admission: a busy server starts its runs on the busy task queue', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let serverId: string;
  let accountId: string;
  let mcp: Client;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  const openCalls = async (state: string) => {
    const line = (await (await fetch(`${app.apiUrl}/metrics`)).text()).split('\n').find((candidate) => candidate.startsWith(`switchboard_open_calls{account="${accountId}",state="${state}"}`));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({
        env: { RATE_LIMIT_PER_MINUTE: '10000', BUSY_SERVER_OPEN_CALLS: '1', BUSY_ACCOUNT_OPEN_CALLS: '1', BUSY_ACCOUNT_STARTS_AT_ONCE: '1', FAST_ATTEMPT_BUDGET_MS: '200' },
      }), startFakeSaas()]);
    expect((await call('POST', '/api/connectors', paymentsConnector(fake.url))).status).toBe(201);
    expect((await call('POST', '/api/credentials', { connectorId: 'acme-pay', authenticationType: 'bearer', fields: { token: fake.token } })).status).toBe(201);
    const server = (await call('POST', '/api/servers', { name: 'payments' })).body;
    serverId = server.serverId;
    accountId = (await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
    mcp = await connectMcp(server.accessUrl);
  });
  afterAll(async () => {
    await mcp?.close();
    await fake?.close();
    await app?.close();
  });

  it("starts the run of a server with a call open on the busy queue, runs it there, and shows why in the run and /metrics", async () => {
    fake.fail({ path: '/charges', delayMs: 2_000 });
    const open = mcp.callTool({ name: 'execute_action', arguments: { connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount: 1 } } });
    await until(() => fake.requests.some((request) => request.path === '/charges'), 'the first call to reach the upstream');
    expect(await openCalls('main')).toBe(1);

    const started = await call('POST', '/api/runs', { kind: 'action', serverId, connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount: 2 } });
    expect(started.status).toBe(202);
    const runId = started.body.runId as string;
    let run: Record<string, unknown> = {};
    await until(async () => {
      run = (await call('GET', `/api/runs/${encodeURIComponent(runId)}`)).body;
      return run.status !== 'running';
    }, 'the busy run to finish');
    expect(run.status).toBe('succeeded');
    expect(run.admission).toEqual({ queue: 'busy', reason: 'its server has 1 call open', waitedMs: expect.any(Number), waitingAhead: 0, leftWaiting: 0 });
    expect(run.input).not.toHaveProperty('admission');

    // Its workflow tasks were on the busy queue; its slow attempt on the one slow lane of the main queue.
    const history = await app.temporal.client.workflow.getHandle(started.body.workflowId as string).fetchHistory();
    const events = history.events ?? [];
    expect(events[0]!.workflowExecutionStartedEventAttributes?.taskQueue?.name).toBe(busyQueueOf(app.temporal.taskQueue));
    const scheduled = events.flatMap((event) => (event.activityTaskScheduledEventAttributes ? [event.activityTaskScheduledEventAttributes.taskQueue?.name] : []));
    expect(scheduled.length).toBeGreaterThan(0);
    expect(scheduled.every((queue) => queue === slowLaneOf(app.temporal.taskQueue) || queue?.startsWith(`${app.temporal.taskQueue}-handoff-`))).toBe(true);

    expect((await open).isError).toBeFalsy();
    expect(new Set(fake.charges.map((charge) => charge.amount))).toEqual(new Set([1, 2]));
    expect(await openCalls('main')).toBe(0);
  });

  it("admits another server's call while a burst of this server's starts still waits for the account's turns", async () => {
    fake.fail({ path: '/charges', delayMs: 3_000 });
    const other = await connectMcp((await call('POST', '/api/servers', { name: 'other' })).body.accessUrl);
    try {
      const burst = Array.from({ length: BURST }, (_, n) =>
        mcp.callTool({ name: 'execute_action', arguments: { connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount: 100 + n } } }),
      );
      // The whole burst admitted (none answered yet: the upstream takes 3 s) and enough of it still
      // queued for its turns (one start at a time) that a call behind all of them would be seen to wait.
      await until(async () => {
        const [main, busy, waiting] = await Promise.all([openCalls('main'), openCalls('busy'), openCalls('waiting')]);
        return main + busy + waiting === BURST && waiting >= BURST / 4;
      }, 'the burst to queue for its turns');
      const answer = await other.callTool({ name: 'execute_action', arguments: { connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount: 99 } } });
      expect(answer.isError).toBeFalsy();
      const workflowId = (answer.structuredContent as { workflowId: string }).workflowId;
      const { memo } = await app.temporal.client.workflow.getHandle(workflowId).describe();
      const admission = memo?.admission as { queue: string; reason: string; waitingAhead: number; leftWaiting: number };
      expect(admission).toMatchObject({ queue: 'busy', reason: 'its account has 1 call open on the main queue' });
      // It joined the burst's queued starts and went after at most one of them, not after all (in
      // arrival order it would have gone last, leaving none waiting).
      expect(admission.waitingAhead).toBeGreaterThanOrEqual(BURST / 4);
      expect(admission.leftWaiting).toBeGreaterThanOrEqual(admission.waitingAhead - 1);
      expect((await Promise.all(burst)).filter((result) => result.isError)).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

/** The storm server's calls sent at once in the rotation test. */
const BURST = 40;
