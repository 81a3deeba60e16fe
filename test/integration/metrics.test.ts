import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { loadConfig } from '../../src/config.js';
import { createApiKey } from '../../src/db/repositories/accounts.js';
import { createLogger } from '../../src/observability/logger.js';
import { startSwitchboard } from '../../src/app/start.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { connectToFakeSaas } from '../support/fixtures.js';
import { api, connectMcp, toolError } from '../support/mcp.js';

const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

/** The value of one sample line, e.g. sample(text, 'switchboard_tool_calls_total', { tool: 'x' }). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const line = text.split('\n').find((candidate) => {
    if (!candidate.startsWith(`${name}{`) && !candidate.startsWith(`${name} `)) return false;
    return Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`));
  });
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Known traffic through the real path, then one scrape of GET /metrics. */
describe('GET /metrics', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let client: Client;
  let accessUrl: string;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  const scrape = async (token = METRICS_TOKEN) => {
    const response = await fetch(`${app.apiUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  beforeAll(async () => {
    [app, fake] = await Promise.all([
      startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '30', METRICS_TOKEN } }),
      startFakeSaas(),
    ]);
    await connectToFakeSaas(app, fake, ['slack']);
    accessUrl = (await call('POST', '/api/servers', { name: 'metrics' })).body.accessUrl;
    client = await connectMcp(accessUrl);
  });
  afterAll(async () => {
    await client?.close();
    await fake?.close();
    await app?.close();
  });

  it('counts tool calls, execute_action latency, upstream statuses, throttle waits and front-door 429s', async () => {
    // The registry is the process's: a test process runs several files' apps (isolate: false in
    // vitest.config.ts), so what this test's traffic added is read as the change since this scrape.
    const start = (await scrape()).text;
    const post = (text: string) =>
      client.callTool({
        name: 'execute_action',
        arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text } },
      });
    expect((await post('one')).isError).toBeFalsy();
    expect((await post('two')).isError).toBeFalsy();
    fake.fail({ status: 400, body: { ok: false, error: 'invalid_blocks' }, times: 1 });
    expect(toolError(await post('three'))?.code).toBe('UPSTREAM_ERROR');
    expect((await client.callTool({ name: 'list_connectors', arguments: { category: 'communication' } })).isError).toBeFalsy();

    // A key of its own, driven past RATE_LIMIT_PER_MINUTE (30) on the REST API.
    const account = await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
    const { key } = await createApiKey(app.database.db, { accountId: account.id, userId: 'default', name: 'burst' });
    // The bucket refills one request every 2 s: on a busy machine 32 requests in a row may earn one
    // back, so the key goes on until it has been refused twice (well before 60 on any machine).
    const statuses: number[] = [];
    while (statuses.filter((status) => status === 429).length < 2 && statuses.length < 60) statuses.push((await api(app.apiUrl, key, 'GET', '/api/servers')).status);
    expect(statuses.filter((status) => status === 429).length).toBe(2);

    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    const added = (name: string, labels: Record<string, string> = {}) => sample(text, name, labels) - sample(start, name, labels);
    expect(added('switchboard_tool_calls_total', { tool: 'execute_action', outcome: 'ok' })).toBe(2);
    expect(added('switchboard_tool_calls_total', { tool: 'execute_action', outcome: 'UPSTREAM_ERROR' })).toBe(1);
    expect(added('switchboard_tool_calls_total', { tool: 'list_connectors', outcome: 'ok' })).toBe(1);
    expect(added('switchboard_execute_action_duration_seconds_count', { connector: 'slack', outcome: 'ok' })).toBe(2);
    expect(added('switchboard_upstream_responses_total', { connector: 'slack', status: '200' })).toBe(2);
    expect(added('switchboard_upstream_responses_total', { connector: 'slack', status: '400' })).toBe(1);
    expect(added('switchboard_connector_activity_duration_seconds_count', { connector: 'slack', outcome: 'ok' })).toBe(2);
    // Slack's catalogue limit (1/s, burst 3): every attempt reserved a slot (a late waker reserves again).
    expect(added('switchboard_throttle_wait_seconds_count', { connector: 'slack' })).toBeGreaterThanOrEqual(3);
    expect(added('switchboard_front_door_rate_limited_total', { surface: 'api' })).toBe(statuses.filter((s) => s === 429).length);
    // Temporal's own worker metrics, from the SDK runtime's Prometheus exporter, on the same page.
    expect(text).toMatch(/^temporal_workflow_completed_total\{/m);
    expect(sample(text, 'temporal_local_activity_execution_latency_count', { activity_type: 'attemptConnectorAction' })).toBeGreaterThanOrEqual(3);
    // Ids and codes only: neither the upstream token nor the MCP access token is in any label.
    expect(text).not.toContain(fake.token);
    expect(text).not.toContain(accessUrl.split('/').pop()!);
  });

  it('is served by a worker-only process too', async () => {
    const worker = await startSwitchboard(
      loadConfig(
        {
          ...app.testDatabase.env,
          PORT: '0',
          TEMPORAL_ADDRESS: app.config.temporal.address!,
          TEMPORAL_TASK_QUEUE: app.config.temporal.taskQueue,
          ENCRYPTION_KEY: app.config.encryptionKey!,
          LOG_LEVEL: 'silent',
        },
        'worker',
      ),
      { logger: createLogger('silent'), workflowBundle: { code: await readFile(inject('workflowBundlePath'), 'utf8') } },
    );
    try {
      const response = await fetch(`${worker.apiUrl}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toMatch(/^switchboard_tool_calls_total/m);
      expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
      // The worker serves health and metrics only: no API behind it.
      expect((await fetch(`${worker.apiUrl}/api/servers`)).status).toBe(404);
    } finally {
      await worker.stop();
    }
  });

  it('wants the METRICS_TOKEN bearer when one is configured', async () => {
    const bare = await fetch(`${app.apiUrl}/metrics`);
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as any).error.code).toBe('UNAUTHORIZED');
    expect((await scrape('wrong-token-wrong-token-00')).status).toBe(401);
    expect((await scrape()).status).toBe(200);
  });
});
