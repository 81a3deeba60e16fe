import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { TEST_API_KEY, TEST_ENCRYPTION_KEY } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { paymentsConnector, until } from '../support/faults.js';
import { api, connectMcp } from '../support/mcp.js';
import { spawnSwitchboard, type SpawnedSwitchboard } from '../support/process.js';

/**
 * kill -9 of the worker and of the API process while 100 actions are in flight against a slow
 * upstream: every run completes, and the keyed upstream (POST /charges honours Idempotency-Key)
 * takes each payment exactly once.
 */
const RUNS = 100;
const UPSTREAM_DELAY_MS = 2_500;
const TASKS = 20;

let database: TestDatabase;
let fake: FakeSaas;
let env: Record<string, string>;
let apiProcess: SpawnedSwitchboard;
let worker: SpawnedSwitchboard;
let serverId: string;
let accessUrl: string;

const rest = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  api(apiProcess.url, TEST_API_KEY, method, path, body, headers);

const chargeRequests = () => fake.requests.filter((request) => request.path === '/charges').length;

async function killHard(process: SpawnedSwitchboard) {
  const exited = new Promise((resolve) => process.child.once('exit', resolve));
  process.child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  [database, fake] = await Promise.all([createTestDatabase('postgres'), startFakeSaas()]);
  env = {
    ...database.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `faults-crash-${Math.random().toString(36).slice(2, 10)}`,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    BOOTSTRAP_API_KEY: TEST_API_KEY,
    EGRESS_ALLOW_HOSTS: '127.0.0.1',
    RATE_LIMIT_PER_MINUTE: '100000',
  };
  apiProcess = await spawnSwitchboard('api', env);
  worker = await spawnSwitchboard('worker', env);
  expect((await rest('POST', '/api/connectors', paymentsConnector(fake.url))).status).toBe(201);
  expect((await rest('POST', '/api/credentials', { connectorId: 'acme-pay', authenticationType: 'bearer', fields: { token: fake.token } })).status).toBe(201);
  const server = await rest('POST', '/api/servers', { name: 'crash' });
  serverId = server.body.serverId as string;
  accessUrl = server.body.accessUrl as string;
});

afterAll(async () => {
  await Promise.all([apiProcess?.stop(), worker?.stop()]);
  await fake?.close();
  await database?.drop();
});

describe('process crashes with 100 actions in flight', () => {
  it('kill -9 of the worker: a new worker completes 100/100, each payment taken once', async () => {
    fake.reset();
    fake.fail({ path: '/charges', delayMs: UPSTREAM_DELAY_MS });
    const client: Client = await connectMcp(accessUrl);
    const started = Date.now();
    const calls = Array.from({ length: RUNS }, (_, amount) =>
      client.callTool({ name: 'execute_action', arguments: { connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount } } }, undefined, {
        timeout: 180_000,
      }),
    );
    await until(() => chargeRequests() >= RUNS, 'every run to reach the upstream');
    await killHard(worker);
    worker = await spawnSwitchboard('worker', env);
    const results = await Promise.all(calls);
    await client.close();

    expect(results.filter((result) => result.isError)).toEqual([]);
    expect(fake.charges).toHaveLength(RUNS);
    expect(new Set(fake.charges.map((charge) => charge.idempotencyKey)).size).toBe(RUNS);
    expect(new Set(fake.charges.map((charge) => charge.amount)).size).toBe(RUNS);
    console.log(
      `worker kill -9: ${results.length}/${RUNS} completed in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `upstream saw ${chargeRequests()} requests and took ${fake.charges.length} payments`,
    );
  });

  it('kill -9 of the API: runs and MCP tasks started through it complete, a retried Idempotency-Key finds the same run, in-flight MCP calls still act once', async () => {
    fake.reset();
    fake.fail({ path: '/charges', delayMs: UPSTREAM_DELAY_MS });
    const started = Date.now();
    const start = (amount: number) =>
      rest('POST', '/api/runs', { kind: 'action', serverId, connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount } }, { 'idempotency-key': `crash-${amount}` });
    const accepted = await Promise.all(Array.from({ length: RUNS }, (_, amount) => start(amount)));
    expect(accepted.map((answer) => answer.status)).toEqual(Array(RUNS).fill(202));

    // MCP calls the dying process is waiting on: their callers lose the answer, not the action.
    const client = await connectMcp(accessUrl);
    const orphaned = Array.from({ length: 20 }, (_, index) =>
      client
        .callTool({ name: 'execute_action', arguments: { connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount: 1000 + index } } })
        .catch(() => 'lost'),
    );
    // Task-augmented calls: the task is a row naming its run, so a new API process answers for it.
    const tasks = await Promise.all(
      Array.from({ length: TASKS }, (_, index) =>
        client.request(
          {
            method: 'tools/call',
            params: { name: 'execute_action', arguments: { connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount: 2000 + index } }, task: { ttl: 600_000 } },
          },
          CreateTaskResultSchema,
        ),
      ),
    );
    // Killed as soon as the last of the 20 reached the upstream (2.5 s before its answer): admission
    // starts a busy server's calls a few at a time, so waiting for every run too could let them all finish.
    const orphanedRequests = () => fake.requests.filter((request) => request.path === '/charges' && /\b10[01]\d\b/.test(request.body)).length;
    await until(() => orphanedRequests() >= 20, 'the 20 MCP calls to reach the upstream');
    await killHard(apiProcess);
    const lost = (await Promise.all(orphaned)).filter((answer) => answer === 'lost').length;
    expect(lost).toBeGreaterThan(0);
    await client.close().catch(() => undefined);

    apiProcess = await spawnSwitchboard('api', env);
    const after = await connectMcp(accessUrl.replace(/^http:\/\/[^/]+/, apiProcess.url));
    const taskResults = await Promise.all(
      tasks.map(({ task }) => after.request({ method: 'tasks/result', params: { taskId: task.taskId } }, CallToolResultSchema, { timeout: 120_000 })),
    );
    expect(taskResults.filter((result) => result.isError)).toEqual([]);
    await after.close();
    const retried = await Promise.all(Array.from({ length: RUNS }, (_, amount) => start(amount)));
    expect(retried.map((answer) => answer.body.runId)).toEqual(accepted.map((answer) => answer.body.runId));

    const statuses = new Map<string, string>();
    await until(async () => {
      for (const { body } of accepted) {
        if (statuses.get(body.runId) === 'succeeded') continue;
        statuses.set(body.runId, (await rest('GET', `/api/runs/${encodeURIComponent(body.runId as string)}`)).body.status as string);
      }
      return [...statuses.values()].every((status) => status !== 'running');
    }, 'the runs to finish', 120_000);
    expect([...statuses.values()]).toEqual(Array(RUNS).fill('succeeded'));
    await until(() => fake.charges.length >= RUNS + 20 + TASKS, 'the orphaned MCP calls to take effect');
    expect(fake.charges).toHaveLength(RUNS + 20 + TASKS);
    expect(new Set(fake.charges.map((charge) => charge.amount)).size).toBe(RUNS + 20 + TASKS);
    console.log(
      `API kill -9: ${RUNS}/${RUNS} runs, ${TASKS}/${TASKS} MCP tasks (results read from the new process) and 20/20 MCP calls (${lost} of them lost their answer) completed in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `upstream saw ${chargeRequests()} requests and took ${fake.charges.length} payments`,
    );
  });
});
