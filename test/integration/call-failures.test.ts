import { createServer } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { api, connectMcp, toolError } from '../support/mcp.js';

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * How a connector call fails, as its caller sees it: a host that does not resolve or refuses the
 * connection fails fast with a message naming it, and a retried failure says which attempt failed
 * and why, in the progress notifications and in the final error.
 */
describe('failing connector calls', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let client: Client;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  /** Starts the call through POST /api/runs and reads the finished run back. */
  async function failedRun(connectorId: string) {
    const started = await call('POST', '/api/runs', { kind: 'action', connectorId, actionId: 'conversations_list', parameters: {} });
    expect(started.status).toBe(202);
    await expect.poll(async () => (await call('GET', `/api/runs/${started.body.runId}`)).body.status, { timeout: 30_000 }).toBe('failed');
    return (await call('GET', `/api/runs/${started.body.runId}`)).body;
  }

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } }), startFakeSaas()]);
    await call('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url });
    await call('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: fake.token } });
    client = await connectMcp((await call('POST', '/api/servers', { name: 'failures' })).body.accessUrl);
  });
  afterAll(async () => {
    await client?.close();
    await fake?.close();
    await app?.close();
  });
  beforeEach(() => fake.reset());

  it('a host that does not resolve fails after one attempt, naming the host', async () => {
    // .invalid never resolves (RFC 2606).
    await call('PUT', '/api/connectors/slack/settings', { baseUrl: 'https://slack-api.invalid/api' });
    try {
      const run = await failedRun('slack');
      expect(run.error).toMatchObject({
        code: 'UPSTREAM_ERROR',
        message: "slack-api.invalid does not resolve (DNS: ENOTFOUND); check the connector's base URL",
        details: { networkError: 'ENOTFOUND', sent: false },
      });
      expect(run.timeline.map((entry: { kind: string; outcome?: string }) => `${entry.kind} ${entry.outcome ?? ''}`.trim())).toEqual(['attempt failed']);
    } finally {
      await call('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url });
    }
  });

  it('a refused connection gets one more attempt, then fails naming the host and the attempts', async () => {
    const port = await closedPort();
    await call('PUT', '/api/connectors/slack/settings', { baseUrl: `http://127.0.0.1:${port}/api` });
    try {
      const run = await failedRun('slack');
      expect(run.error.code).toBe('UPSTREAM_ERROR');
      expect(run.error.message).toBe(
        `127.0.0.1:${port} refused the connection (ECONNREFUSED): nothing is listening there; gave up after attempt 2/2 (ECONNREFUSED calling slack)`,
      );
      expect(run.error.details).toMatchObject({ networkError: 'ECONNREFUSED', attempts: 2 });
      // Attempts by number (how an attempt is dispatched shows in the rest of its summary), waits by their reason.
      const timeline = run.timeline.map((entry: { kind: string; summary: string }) =>
        entry.kind === 'attempt' ? /^attempt \d+/.exec(entry.summary)![0] : `${entry.kind}: ${entry.summary}`,
      );
      expect(timeline).toEqual(['attempt 1', 'wait: retry 2/2 in 1 s (backoff): ECONNREFUSED calling slack', 'attempt 2']);
    } finally {
      await call('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url });
    }
  });

  it('progress says which attempt failed, why, and when the next one comes; the final error names the attempts', async () => {
    fake.fail({ path: '/conversations.list', status: 500, body: { ok: false }, times: 2 });
    const progress: string[] = [];
    const result = await client.callTool({ name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'conversations_list', parameters: {} } }, CallToolResultSchema, {
      onprogress: (notification) => progress.push(notification.message ?? ''),
      timeout: 30_000,
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    // Progress is read by polling, so on a busy machine the 1-2 s wait after attempt 1 may pass unseen; the next
    // message still names attempt 1's failure and its reason.
    expect(progress).toContainEqual(
      expect.stringMatching(/^(attempt 1\/6 failed: 500 from slack; retrying in [12] s|attempt 2\/6 running; attempt 1\/6 failed: 500 from slack)$/),
    );
    expect(progress).toContainEqual(
      expect.stringMatching(/^(attempt 2\/6 failed: 500 from slack; retrying in [1-3] s|attempt 3\/6 running; attempt 2\/6 failed: 500 from slack)$/),
    );

    // Every attempt fails: a 503 asking for no wait (Retry-After: 0) is retried at once, so the six
    // attempts take no 1 + 2 + 4 + 8 + 16 s of backoff (the backoff is the calls' above, and
    // test/workflows/connectorCall.test.ts's).
    fake.fail({ path: '/conversations.list', status: 503, body: { ok: false }, headers: { 'retry-after': '0' } });
    const failed = await client.callTool({ name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'conversations_list', parameters: {} } }, CallToolResultSchema, {
      timeout: 60_000,
    });
    expect(toolError(failed)).toMatchObject({
      code: 'UPSTREAM_ERROR',
      message: 'Slack answered 503; gave up after attempt 6/6 (503 from slack, Retry-After 0 s)',
      details: { status: 503, attempts: 6 },
    });
    // The failed run is logged with its message and code, as one JSON line, never as "error":{}.
    // (Temporal's log lines reach the logger after a 100 ms buffer that sorts them by time.)
    const failedLine = () => app.logs.lines.find((line) => line.includes('"msg":"Workflow failed"') && line.includes('gave up after attempt 6/6'));
    await expect.poll(failedLine).toBeDefined();
    expect(JSON.parse(failedLine()!)).toMatchObject({ level: 30, sdkComponent: 'workflow', error: { code: 'UPSTREAM_ERROR' } });
    const emptyErrors = app.logs.lines.map((line) => JSON.parse(line) as { error?: unknown; err?: unknown }).filter((line) => JSON.stringify(line.error ?? line.err) === '{}');
    expect(emptyErrors).toEqual([]);
  }, 90_000);
});
