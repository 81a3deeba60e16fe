import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slowLaneOf } from '../../src/workflows/contracts/runs.js';
import type { RunTimelineEntry } from '../../src/runs/schemas.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { until } from '../support/faults.js';
import { api } from '../support/mcp.js';

/**
 * The two lanes and the in-flight caps through the real path: POST /api/runs → Koa → Temporal →
 * the fast lane (a local activity) or the slow lane (a regular activity on its own task queue) →
 * a slow fake API on 127.0.0.1, with the leases in Postgres, read back from GET /api/runs/:id and
 * GET /metrics. No timing is asserted: the upstream's delays only make the waits long enough to see.
 */
const CAP = 2;
const UPSTREAM_DELAY_MS = 3_000;

const reportsConnector = (baseUrl: string) => ({
  id: 'acme-reports',
  name: 'Acme Reports',
  baseUrl,
  authMethods: [{ type: 'bearer' }],
  resources: [{ id: 'reports', name: 'Reports' }],
  actions: [
    {
      id: 'export_report',
      resource: 'reports',
      title: 'Export a report',
      description: 'Builds a report; takes seconds',
      method: 'POST',
      path: '/reports/export',
      longRunning: true,
      parameters: [{ name: 'month', in: 'body', type: 'string', required: true }],
      response: {},
    },
    {
      id: 'create_note',
      resource: 'reports',
      title: 'Create a note',
      description: 'Usually quick; not idempotent',
      method: 'POST',
      path: '/notes',
      parameters: [{ name: 'text', in: 'body', type: 'string', required: true }],
      response: {},
    },
  ],
});

function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('fair execution: the slow lane and the in-flight caps', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let serverId: string;
  let accountId: string;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  const slowCalls = async () => {
    const text = await (await fetch(`${app.apiUrl}/metrics`)).text();
    return { inFlight: sample(text, 'switchboard_slow_calls', { account: accountId, state: 'in_flight' }), queued: sample(text, 'switchboard_slow_calls', { account: accountId, state: 'queued' }) };
  };
  const startRun = async (actionId: string, parameters: Record<string, unknown>) => {
    const started = await call('POST', '/api/runs', { kind: 'action', serverId, connectorId: 'acme-reports', actionId, parameters });
    expect(started.status).toBe(202);
    return started.body.runId as string;
  };
  const finished = async (runId: string) => {
    let run: { status: string; timeline: RunTimelineEntry[] } = { status: 'running', timeline: [] };
    await until(async () => {
      run = (await call('GET', `/api/runs/${encodeURIComponent(runId)}`)).body;
      return run.status !== 'running';
    }, `run ${runId} to finish`);
    return run;
  };

  beforeAll(async () => {
    [app, fake] = await Promise.all([
      startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000', ACCOUNT_MAX_IN_FLIGHT: String(CAP), SERVER_MAX_IN_FLIGHT: String(CAP), FAST_ATTEMPT_BUDGET_MS: '200' } }),
      startFakeSaas(),
    ]);
    expect((await call('POST', '/api/connectors', reportsConnector(fake.url))).status).toBe(201);
    expect((await call('POST', '/api/credentials', { connectorId: 'acme-reports', authenticationType: 'bearer', fields: { token: fake.token } })).status).toBe(201);
    serverId = (await call('POST', '/api/servers', { name: 'reports' })).body.serverId;
    accountId = (await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await fake?.close();
    await app?.close();
  });
  beforeEach(() => fake.reset());

  it('runs a long-running action on the slow lane, and queues a run over its account cap visibly until a place frees', async () => {
    fake.fail({ path: '/reports/export', delayMs: UPSTREAM_DELAY_MS, status: 200, body: { ready: true } });
    const runIds = [];
    for (const month of ['2026-01', '2026-02', '2026-03']) runIds.push(await startRun('export_report', { month }));

    // Two in flight, the third waiting for a place: in /metrics for the account, while it lasts.
    await until(async () => {
      const { inFlight, queued } = await slowCalls();
      return inFlight === CAP && queued === 1;
    }, 'two slow calls in flight and one queued');

    const runs = await Promise.all(runIds.map(finished));
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(fake.requests.filter((request) => request.path === '/reports/export')).toHaveLength(3);
    expect(await slowCalls()).toEqual({ inFlight: 0, queued: 0 });

    // Every run: turned away by the fast lane before sending, then one attempt on the slow lane.
    for (const run of runs) {
      expect(run.timeline.filter((entry) => entry.kind === 'attempt')).toEqual([
        expect.objectContaining({ lane: 'fast', outcome: 'slow', reason: 'declared long-running' }),
        expect.objectContaining({ lane: 'slow', summary: 'attempt 1 on the slow lane (declared long-running): acme-reports export_report', outcome: 'succeeded', status: 200 }),
      ]);
    }
    // The one that queued says where it waited, and for how long.
    const waits = runs.flatMap((run) => run.timeline.filter((entry) => entry.kind === 'wait'));
    expect(waits).toEqual([
      expect.objectContaining({ summary: `queued: account ${accountId} at its in-flight cap (${CAP})`, waitMs: 60_000, waitedMs: expect.any(Number) }),
    ]);
    // Woken by the release's signal, not by its 60 s timer: the history shows the timer cancelled, none fired.
    const queuedRun = runIds[runs.findIndex((run) => run.timeline.some((entry) => entry.kind === 'wait'))]!;
    const queuedHistory = await app.temporal.client.workflow.getHandle(Buffer.from(queuedRun.slice('run_'.length), 'base64url').toString('utf8')).fetchHistory();
    expect((queuedHistory.events ?? []).filter((event) => event.timerCanceledEventAttributes)).toHaveLength(1);
    expect((queuedHistory.events ?? []).filter((event) => event.timerFiredEventAttributes)).toEqual([]);

    // The attempt ran as an activity on the slow lane's own task queue.
    const workflowId = Buffer.from(runIds[0]!.slice('run_'.length), 'base64url').toString('utf8');
    const history = await app.temporal.client.workflow.getHandle(workflowId).fetchHistory();
    const scheduled = (history.events ?? []).flatMap((event) => (event.activityTaskScheduledEventAttributes ? [event.activityTaskScheduledEventAttributes] : []));
    expect(scheduled.map((attributes) => attributes.taskQueue?.name)).toEqual([slowLaneOf(app.temporal.taskQueue)]);
  });

  it('hands off a fast attempt that outruns its budget without sending it again, then routes the slow action to the slow lane', async () => {
    fake.fail({ path: '/notes', delayMs: 1_000, status: 201, body: { id: 'note_1' } });
    const first = await finished(await startRun('create_note', { text: 'one' }));
    expect(first.status).toBe('succeeded');
    expect(fake.requests.filter((request) => request.path === '/notes')).toHaveLength(1);
    expect(first.timeline).toEqual([
      expect.objectContaining({ kind: 'attempt', lane: 'fast', outcome: 'handedOff', reason: 'no answer within 0.2 s' }),
      expect.objectContaining({ kind: 'attempt', lane: 'slow', summary: 'attempt 1, handed off (no answer within 0.2 s): acme-reports create_note', outcome: 'succeeded', status: 201 }),
    ]);

    // This worker now knows the action is slow: the next call goes to the slow lane before it sends.
    const second = await finished(await startRun('create_note', { text: 'two' }));
    expect(second.status).toBe('succeeded');
    expect(fake.requests.filter((request) => request.path === '/notes')).toHaveLength(2);
    expect(second.timeline.filter((entry) => entry.kind === 'attempt')).toEqual([
      expect.objectContaining({ lane: 'fast', outcome: 'slow', reason: expect.stringMatching(/^its last call took \d+\.\d s$/) }),
      expect.objectContaining({ lane: 'slow', outcome: 'succeeded', status: 201 }),
    ]);
    expect(await slowCalls()).toEqual({ inFlight: 0, queued: 0 });
  });
});
