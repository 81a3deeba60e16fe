import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/connect.js';
import { TEST_API_KEY, TEST_ENCRYPTION_KEY } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { until } from '../support/faults.js';
import { api, connectMcp, toolError } from '../support/mcp.js';
import { spawnSwitchboard, type SpawnedSwitchboard } from '../support/process.js';

/**
 * The fast path of execute_action (docs/performance.md) on separate API and worker processes:
 * the API reads what a call needs in two statements and passes versions and ids to the run; the
 * worker opens each attempt with one statement that checks them, and goes the long way when
 * another process changed something since. The API process has no worker, so it asks for each
 * result with the start (update-with-start). Statements are counted by each process
 * (switchboard_database_statements_total on its /metrics).
 */
describe('execute_action on separate API and worker processes', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let first: FakeSaas;
  let second: FakeSaas;
  let apiProcess: SpawnedSwitchboard;
  let worker: SpawnedSwitchboard;
  let client: McpClient;
  let older: string;
  let newer: string;

  const rest = (method: string, path: string, body?: unknown) => api(apiProcess.url, TEST_API_KEY, method, path, body);
  const post = (text: string) => client.callTool({ name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text } } });
  const statements = async (process: SpawnedSwitchboard) =>
    Number(/^switchboard_database_statements_total (\d+)$/m.exec(await (await fetch(`${process.url}/metrics`)).text())![1]);
  const bothProcesses = async () => (await statements(apiProcess)) + (await statements(worker));
  const marksLeft = async () => (await handle.db.selectFrom('upstream_sends').select('key').execute()).length;

  beforeAll(async () => {
    [database, first, second] = await Promise.all([createTestDatabase('postgres', { template: inject('databaseTemplate') }), startFakeSaas(), startFakeSaas()]);
    const env = {
      ...database.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `fast-path-${Math.random().toString(36).slice(2, 10)}`,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      BOOTSTRAP_API_KEY: TEST_API_KEY,
      EGRESS_ALLOW_HOSTS: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '1000000',
      // Nothing in the background while statements are counted.
      STATE_CLEANUP_INTERVAL_SECONDS: '86400',
    };
    // The worker migrates the schema; the API starts once it is there.
    worker = await spawnSwitchboard('worker', env);
    apiProcess = await spawnSwitchboard('api', env);
    handle = await openDatabase(loadConfig({ ...env, PORT: '0' }).database);

    expect((await rest('PUT', '/api/connectors/slack/settings', { baseUrl: first.url, rateLimit: { requestsPerSecond: 1000, burst: 1000 } })).status).toBe(200);
    // Both fakes take the same token: the credentials differ only in which one a call uses.
    older = (await rest('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: first.token }, name: 'older' })).body.credentialId;
    newer = (await rest('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: first.token }, name: 'newer' })).body.credentialId;
    second.token = first.token;
    client = await connectMcp((await rest('POST', '/api/servers', { name: 'fast' })).body.accessUrl);
  }, 180_000);

  afterAll(async () => {
    await client?.close();
    await Promise.all([apiProcess?.stop(), worker?.stop()]);
    await handle?.close();
    await Promise.all([first?.close(), second?.close()]);
    await database?.drop();
  });

  it('costs at most four statements a call, API and worker together, and records each use naming its credential', async () => {
    // The worker's first attempt reads the settings the long way and keeps them by version.
    for (const text of ['warm 1', 'warm 2']) expect((await post(text)).isError).toBeFalsy();
    await until(async () => (await marksLeft()) === 0, 'the warm-up send marks to be cleared');
    const before = await bothProcesses();
    const calls = 10;
    for (let call = 0; call < calls; call += 1) {
      const result = await post(`counted ${call}`);
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ status: 200, credentialId: newer, result: { ok: true, channel: 'C1' } });
    }
    // A send's in-flight mark is cleared off the hot path (by the next attempt, else within a second): counted too.
    await until(async () => (await marksLeft()) === 0, 'the send marks to be cleared');
    const perCall = ((await bothProcesses()) - before) / calls;
    console.log(`statements per execute_action, API and worker together: ${perCall}`);
    expect(perCall).toBeLessThanOrEqual(4);
    expect(first.requests.filter((request) => request.path === '/chat.postMessage')).toHaveLength(calls + 2);

    const uses = (await rest('GET', '/api/audit?action=credential.use&limit=100')).body.entries as Array<{ target: Record<string, string> }>;
    expect(uses).toHaveLength(calls + 2);
    expect(uses.every((entry) => entry.target.credentialId === newer && entry.target.connectorId === 'slack')).toBe(true);
  });

  it('answers a failed call with its coded error through update-with-start', async () => {
    first.fail({ path: '/chat.postMessage', status: 400, body: { ok: false, error: 'invalid_blocks' }, times: 1 });
    expect(toolError(await post('refused'))).toMatchObject({ code: 'UPSTREAM_ERROR', details: { status: 400 } });
  });

  it('sends a retry where settings changed by another process since the call was prepared say, not where the worker kept them', async () => {
    first.fail({ path: '/chat.postMessage', status: 503, headers: { 'retry-after': '2' }, times: 1 });
    const call = post('moved');
    await until(() => first.requests.some((request) => request.body.includes('moved')), 'the first attempt to reach the first API');
    // The worker holds the settings the call was prepared with; the API process changes them.
    expect((await rest('PUT', '/api/connectors/slack/settings', { baseUrl: second.url })).status).toBe(200);
    expect((await call).structuredContent).toMatchObject({ status: 200 });
    expect(first.requests.filter((request) => request.body.includes('moved'))).toHaveLength(1);
    expect(second.requests.filter((request) => request.body.includes('moved'))).toHaveLength(1);
  });

  it('uses the newest usable credential for a retry when the one the call was prepared with was revoked meanwhile', async () => {
    second.fail({ path: '/chat.postMessage', status: 503, headers: { 'retry-after': '2' }, times: 1 });
    const call = post('revoked');
    await until(() => second.requests.some((request) => request.body.includes('revoked')), 'the first attempt');
    expect((await rest('DELETE', `/api/credentials/${newer}`)).status).toBe(200);
    expect((await call).structuredContent).toMatchObject({ status: 200, credentialId: older });
  });

  it('refuses a retry once the connector was disabled meanwhile', async () => {
    second.fail({ path: '/chat.postMessage', status: 503, headers: { 'retry-after': '2' }, times: 1 });
    const call = post('disabled');
    await until(() => second.requests.some((request) => request.body.includes('disabled')), 'the first attempt');
    expect((await rest('PUT', '/api/connectors/slack/settings', { enabled: false })).status).toBe(200);
    expect(toolError(await call)).toMatchObject({ code: 'FORBIDDEN' });
    expect(second.requests.filter((request) => request.body.includes('disabled'))).toHaveLength(1);
  });
});
