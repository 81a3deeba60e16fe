import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it, inject } from 'vitest';
import { startTestApp, TEST_API_KEY, TEST_ENCRYPTION_KEY, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { api, connectMcp } from '../support/mcp.js';
import { spawnSwitchboard, type SpawnedSwitchboard } from '../support/process.js';

const LIMIT = 5;

/** Most requests any 1000 ms window saw (times sorted ascending). */
function busiestSecond(times: number[]): number {
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= 1000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/**
 * Two real processes (this test's app and a spawned one, each an API and a worker on the same
 * task queue) call one fake Slack that allows LIMIT requests per second.
 */
describe('workflow-level throttles across processes', () => {
  let app: TestApp;
  let other: SpawnedSwitchboard;
  let fake: FakeSaas;
  const clients: Client[] = [];
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
    other = await spawnSwitchboard('all', {
      ...app.testDatabase.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: app.temporal.taskQueue,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      BOOTSTRAP_API_KEY: TEST_API_KEY,
      EGRESS_ALLOW_HOSTS: '127.0.0.1,localhost',
      RATE_LIMIT_PER_MINUTE: '10000',
    });
    const settings = await call('PUT', '/api/connectors/slack/settings', {
      baseUrl: fake.url,
      rateLimit: { requestsPerSecond: LIMIT, burst: 1 },
    });
    expect(settings.status).toBe(200);
    expect((await call('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: fake.token } })).status).toBe(201);
    const server = await call('POST', '/api/servers', { name: 'throttled' });
    const accessUrl: string = server.body.accessUrl;
    clients.push(await connectMcp(accessUrl), await connectMcp(accessUrl.replace(app.apiUrl, other.url)));
    // A process's first action loads and validates the connector while other calls compete for its
    // event loop, which can delay that first send by tens of ms: more than the throttle's jitter
    // headroom (see README). Warm both processes so the test measures the steady state.
    for (const client of clients) {
      await client.callTool({ name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'warm-up' } } });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_100));
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await other?.stop();
    await fake?.close();
    await app?.close();
  });
  beforeEach(() => fake.reset());

  const post = (i: number) =>
    clients[i % 2]!.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: `m${i}` } },
    });

  it(`never lets more than ${LIMIT} requests a second reach an API limited to ${LIMIT}/s, from a burst of ${4 * LIMIT}`, async () => {
    fake.limitPerSecond = LIMIT;
    const results = await Promise.all(Array.from({ length: 4 * LIMIT }, (_, i) => post(i)));
    expect(results.filter((result) => result.isError)).toEqual([]);
    expect(fake.rateLimited).toBe(0);
    expect(fake.requests).toHaveLength(4 * LIMIT);
    expect(busiestSecond(fake.requests.map((request) => request.at).sort((a, b) => a - b))).toBeLessThanOrEqual(LIMIT);
  });

  it('pauses every caller of the connector and credential when one gets a 429 with Retry-After', async () => {
    fake.fail({ path: '/chat.postMessage', status: 429, headers: { 'retry-after': '2' }, times: 1 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => post(i)));
    expect(results.filter((result) => result.isError)).toEqual([]);
    const times = fake.requests.map((request) => request.at).sort((a, b) => a - b);
    // The first request was refused; nobody (the refused caller included) came back within its 2 s.
    expect(times).toHaveLength(7);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1900);
  });
});
