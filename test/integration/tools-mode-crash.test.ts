import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_API_KEY, TEST_ENCRYPTION_KEY } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { paymentsConnector, until } from '../support/faults.js';
import { api, connectMcp } from '../support/mcp.js';
import { spawnSwitchboard, type SpawnedSwitchboard } from '../support/process.js';

/**
 * A tools-mode tool call is a durable run: kill -9 of the worker while the calls wait on a slow
 * upstream, and a new worker finishes every call, each payment taken once (POST /charges honours
 * Idempotency-Key). API and worker are separate real processes, as in production.
 */
const CALLS = 5;
const UPSTREAM_DELAY_MS = 2_500;

describe('tools mode: worker killed mid-call', () => {
  let database: TestDatabase;
  let fake: FakeSaas;
  let env: Record<string, string>;
  let apiProcess: SpawnedSwitchboard;
  let worker: SpawnedSwitchboard;
  let accessUrl: string;
  const rest = (method: string, path: string, body?: unknown) => api(apiProcess.url, TEST_API_KEY, method, path, body);
  const chargeRequests = () => fake.requests.filter((request) => request.path === '/charges').length;

  beforeAll(async () => {
    [database, fake] = await Promise.all([createTestDatabase('postgres', { template: inject('databaseTemplate') }), startFakeSaas()]);
    env = {
      ...database.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `tools-mode-crash-${Math.random().toString(36).slice(2, 10)}`,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      BOOTSTRAP_API_KEY: TEST_API_KEY,
      EGRESS_ALLOW_HOSTS: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '100000',
    };
    // The worker migrates the schema; the API starts once it is there.
    worker = await spawnSwitchboard('worker', env);
    apiProcess = await spawnSwitchboard('api', env);
    expect((await rest('POST', '/api/connectors', paymentsConnector(fake.url))).status).toBe(201);
    expect((await rest('POST', '/api/credentials', { connectorId: 'acme-pay', authenticationType: 'bearer', fields: { token: fake.token } })).status).toBe(201);
    const server = await rest('POST', '/api/servers', {
      name: 'tools crash',
      mode: 'tools',
      restrictions: { connectors: { mode: 'allowlist', allowedIds: ['acme-pay'] } },
    });
    expect(server.status).toBe(201);
    accessUrl = (server.body.accessUrl as string).replace(/^http:\/\/[^/]+/, apiProcess.url);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([apiProcess?.stop(), worker?.stop()]);
    await fake?.close();
    await database?.drop();
  });

  it('a new worker completes every call, and the upstream takes each payment once', async () => {
    fake.fail({ path: '/charges', delayMs: UPSTREAM_DELAY_MS });
    const client: Client = await connectMcp(accessUrl);
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toHaveLength(1);
    const calls = Array.from({ length: CALLS }, (_, amount) =>
      client.callTool({ name: tools[0]!, arguments: { amount } }, undefined, { timeout: 180_000 }),
    );
    await until(() => chargeRequests() >= CALLS, 'every call to reach the upstream');
    const exited = new Promise((resolve) => worker.child.once('exit', resolve));
    worker.child.kill('SIGKILL');
    await exited;
    expect(fake.charges.length).toBeLessThan(CALLS);
    worker = await spawnSwitchboard('worker', env);
    const results = await Promise.all(calls);
    await client.close();

    expect(results.filter((result) => result.isError)).toEqual([]);
    expect(results.map((result) => (result.structuredContent as { status?: number }).status)).toEqual(Array(CALLS).fill(200));
    expect(fake.charges).toHaveLength(CALLS);
    expect(new Set(fake.charges.map((charge) => charge.amount)).size).toBe(CALLS);
    expect(new Set(fake.charges.map((charge) => charge.idempotencyKey)).size).toBe(CALLS);
    console.log(`tools-mode worker kill -9: ${CALLS}/${CALLS} calls completed; upstream saw ${chargeRequests()} requests, took ${fake.charges.length} payments`);
  }, 240_000);
});
