import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect, inject } from 'vitest';
import { startTestApp, TEST_API_KEY, TEST_ENCRYPTION_KEY, type TestApp } from './app.js';
import { startFakeSaas, type FakeSaas } from './fakeSaas.js';
import { api, connectMcp } from './mcp.js';
import { spawnSwitchboard, type SpawnedSwitchboard } from './process.js';

export interface ThrottledPair {
  app: TestApp;
  other: SpawnedSwitchboard;
  fake: FakeSaas;
  /** execute_action chat_postMessage through the first process for even i, the second for odd i. */
  post(i: number): ReturnType<Client['callTool']>;
  close(): Promise<void>;
}

/**
 * Two real processes (this test's app and a spawned one, each an API and a worker on the same
 * task queue and database) calling one fake Slack whose connector is limited to `limit` requests a
 * second with a burst of 1, through one credential.
 */
export async function startThrottledPair(limit: number): Promise<ThrottledPair> {
  const [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
  const other = await spawnSwitchboard('all', {
    ...app.testDatabase.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: app.temporal.taskQueue,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    BOOTSTRAP_API_KEY: TEST_API_KEY,
    EGRESS_ALLOW_HOSTS: '127.0.0.1,localhost',
    RATE_LIMIT_PER_MINUTE: '10000',
  });
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  expect((await call('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url, rateLimit: { requestsPerSecond: limit, burst: 1 } })).status).toBe(200);
  expect((await call('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: fake.token } })).status).toBe(201);
  const accessUrl: string = (await call('POST', '/api/servers', { name: 'throttled' })).body.accessUrl;
  const clients = [await connectMcp(accessUrl), await connectMcp(accessUrl.replace(app.apiUrl, other.url))];
  const post = (i: number) =>
    clients[i % 2]!.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: `m${i}` } },
    });
  // A process's first action loads and validates the connector while other calls compete for its
  // event loop; warm both so the tests see the steady state, and let the warm-ups' slots pass.
  for (let i = 0; i < clients.length; i += 1) await post(i);
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  return {
    app,
    other,
    fake,
    post,
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await other.stop();
      await fake.close();
      await app.close();
    },
  };
}
