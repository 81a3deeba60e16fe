import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { actionWorkflowOptions } from '../../src/starters/executeAction.js';
import { workflowTypes } from '../../src/workflows/contracts.js';
import { connectTemporal, type TemporalHandle } from '../../src/starters/temporal.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/connect.js';
import { createAccount, createApiKey } from '../../src/db/repositories/accounts.js';
import { loadSecretBox } from '../../src/secrets/keyring.js';
import { TEST_API_KEY, TEST_ENCRYPTION_KEY } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { paymentsConnector, until } from '../support/faults.js';
import { api, connectMcp } from '../support/mcp.js';
import { spawnSwitchboard, type SpawnedSwitchboard } from '../support/process.js';

/**
 * Isolation under a backlog, with real processes: an API and a worker (killed with SIGKILL and
 * replaced mid-backlog). BACKLOG runs queue behind a 1/s throttle on one (account, connector);
 * another connector of the same account and the same connector of another account keep their
 * quiet latency. Raising the limit then drains the backlog, every run completing exactly once.
 */
const BACKLOG = 1000;
const SAMPLES = 15;

const p50 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

describe(`a backlog of ${BACKLOG} runs behind a 1/s throttle`, () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let temporal: TemporalHandle;
  let fake: FakeSaas;
  let env: Record<string, string>;
  let apiProcess: SpawnedSwitchboard;
  let worker: SpawnedSwitchboard;
  let keyB: string;
  const clients: McpClient[] = [];
  let otherConnector: McpClient;
  let otherAccount: McpClient;

  const rest = (method: string, path: string, body?: unknown, key = TEST_API_KEY) => api(apiProcess.url, key, method, path, body);

  beforeAll(async () => {
    [database, fake] = await Promise.all([createTestDatabase('postgres'), startFakeSaas()]);
    env = {
      ...database.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `backlog-${Math.random().toString(36).slice(2, 10)}`,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      BOOTSTRAP_API_KEY: TEST_API_KEY,
      EGRESS_ALLOW_HOSTS: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '1000000',
    };
    [apiProcess, worker] = await Promise.all([spawnSwitchboard('api', env), spawnSwitchboard('worker', env)]);
    const config = loadConfig({ ...env, PORT: '0' });
    handle = await openDatabase(config.database);
    temporal = await connectTemporal(env.TEMPORAL_ADDRESS!, config.temporal);

    // Account A: the backlogged payments connector and an unthrottled Slack.
    expect((await rest('POST', '/api/connectors', paymentsConnector(fake.url))).status).toBe(201);
    expect((await rest('PUT', '/api/connectors/acme-pay/settings', { rateLimit: { requestsPerSecond: 1, burst: 1 } })).status).toBe(200);
    expect((await rest('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url, rateLimit: { requestsPerSecond: 10_000, burst: 10_000 } })).status).toBe(200);
    for (const connectorId of ['acme-pay', 'slack']) {
      expect((await rest('POST', '/api/credentials', { connectorId, authenticationType: 'bearer', fields: { token: fake.token } })).status).toBe(201);
    }
    otherConnector = await connectMcp((await rest('POST', '/api/servers', { name: 'a' })).body.accessUrl);

    // Account B: the same payments connector, its own limit and credential.
    const accountB = await createAccount(handle.db, await loadSecretBox(config), { name: 'b' });
    keyB = (await createApiKey(handle.db, { accountId: accountB.id, userId: 'default', name: 'b' })).key;
    expect((await rest('POST', '/api/connectors', paymentsConnector(fake.url), keyB)).status).toBe(201);
    expect((await rest('POST', '/api/credentials', { connectorId: 'acme-pay', authenticationType: 'bearer', fields: { token: fake.token } }, keyB)).status).toBe(201);
    otherAccount = await connectMcp((await rest('POST', '/api/servers', { name: 'b' }, keyB)).body.accessUrl);
    clients.push(otherConnector, otherAccount);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await Promise.all([apiProcess?.stop(), worker?.stop()]);
    await temporal?.connection.close();
    await handle?.close();
    await fake?.close();
    await database?.drop();
  });

  /** Sequential execute_action latencies (ms) of the two bystanders: A's Slack and B's payments. */
  async function bystanders(label: string) {
    const timed = async (client: McpClient, connectorId: string, actionId: string, parameters: Record<string, unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const started = performance.now();
        const result = await client.callTool({ name: 'execute_action', arguments: { connectorId, actionId, parameters } });
        samples.push(performance.now() - started);
        expect(result.isError).toBeFalsy();
      }
      return p50(samples);
    };
    const figures = {
      otherConnector: await timed(otherConnector, 'slack', 'chat_postMessage', { channel: 'C1', text: label }),
      otherAccount: await timed(otherAccount, 'acme-pay', 'create_charge', { amount: -1 }),
    };
    console.log(`${label}: other connector p50 ${figures.otherConnector.toFixed(1)} ms, other account p50 ${figures.otherAccount.toFixed(1)} ms, worker RSS ${rssMb(worker.child.pid!).toFixed(0)} MB`);
    return figures;
  }

  it('keeps other connectors and accounts at their quiet latency, survives kill -9 of the worker, and drains once the limit is raised', async () => {
    await bystanders('warm-up');
    const quiet = await bystanders('quiet');

    // Started with the Temporal client, as a backend would (POST /api/runs does the same, plus
    // its checks), 100 at a time.
    const accountA = (await handle.db.selectFrom('accounts').select('id').orderBy('created_at').executeTakeFirstOrThrow()).id;
    const queuedAt = Date.now();
    const runIds: string[] = [];
    for (let start = 0; start < BACKLOG; start += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, BACKLOG - start) }, (_, i) => {
          const input = { accountId: accountA, userId: 'default', serverId: 'api', connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount: start + i } };
          const options = actionWorkflowOptions(temporal, input);
          return temporal.client.workflow.start(workflowTypes.executeAction, options).then(() => options.workflowId);
        }),
      );
      runIds.push(...batch);
    }
    console.log(`${BACKLOG} runs started in ${((Date.now() - queuedAt) / 1000).toFixed(1)} s`);
    // Settled: the last runs started have taken their slot and wait on a timer.
    await until(async () => {
      const history = await temporal.client.workflow.getHandle(runIds.at(-1)!).fetchHistory();
      return (history.events ?? []).some((event) => event.timerStartedEventAttributes);
    }, 'the backlog to settle', 90_000);
    console.log(`${BACKLOG} runs queued and waiting in ${((Date.now() - queuedAt) / 1000).toFixed(1)} s`);
    const during = await bystanders('during the backlog');
    // Loose on purpose: CI shares 2 cores with everything else. Before this change a backlog of
    // 300 left these calls unanswered after 120 s. The 20 % target is measured by the bench.
    expect(during.otherConnector).toBeLessThanOrEqual(quiet.otherConnector * 1.2 + 150);
    expect(during.otherAccount).toBeLessThanOrEqual(quiet.otherAccount * 1.2 + 150);
    const sentBeforeRaise = fake.charges.filter((charge) => Number(charge.amount) >= 0).length;
    expect(sentBeforeRaise).toBeLessThan(BACKLOG / 4);

    const killed = new Promise((resolve) => worker.child.once('exit', resolve));
    worker.child.kill('SIGKILL');
    await killed;
    worker = await spawnSwitchboard('worker', env);

    const raisedAt = Date.now();
    expect((await rest('PUT', '/api/connectors/acme-pay/settings', { rateLimit: { requestsPerSecond: 500, burst: 500 } })).status).toBe(200);
    await until(() => new Set(fake.charges.map((charge) => charge.amount)).size >= BACKLOG + 1, 'the backlog to drain', 90_000);
    const drainSeconds = (Date.now() - raisedAt) / 1000;
    console.log(
      `drained ${BACKLOG - sentBeforeRaise} runs in ${drainSeconds.toFixed(1)} s after raising the limit to 500/s, burst 500 ` +
        `(${((BACKLOG - sentBeforeRaise) / drainSeconds).toFixed(0)} runs/s); worker RSS ${rssMb(worker.child.pid!).toFixed(0)} MB`,
    );

    const results = await Promise.all(runIds.map((workflowId) => temporal.client.workflow.getHandle(workflowId).result()));
    expect(results.every((result) => result.status === 200 || result.status === 201)).toBe(true);
    const backlogCharges = fake.charges.filter((charge) => Number(charge.amount) >= 0);
    expect(backlogCharges).toHaveLength(BACKLOG);
    expect(new Set(backlogCharges.map((charge) => charge.amount)).size).toBe(BACKLOG);
  }, 150_000);
});
