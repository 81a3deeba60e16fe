import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { readFileSync } from 'node:fs';
import { expect, inject } from 'vitest';
import { actionWorkflowOptions } from '../../src/starters/executeAction.js';
import { workflowTypes } from '../../src/workflows/contracts/runs.js';
import { connectTemporal, type TemporalHandle } from '../../src/starters/temporal.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/connect.js';
import { createAccount, createApiKey } from '../../src/db/repositories/accounts.js';
import { loadSecretBox } from '../../src/secrets/keyring.js';
import { TEST_API_KEY, TEST_ENCRYPTION_KEY } from './app.js';
import { createTestDatabase } from './database.js';
import { startFakeSaas } from './fakeSaas.js';
import { paymentsConnector, until } from './faults.js';
import { api, connectMcp } from './mcp.js';
import { spawnSwitchboard, type SpawnedSwitchboard } from './process.js';

export const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/**
 * Real processes for a backlog: an API and a worker (which a test may kill and replace). Account A
 * has the payments connector limited to 1/s (the backlog's) and an unthrottled Slack; account B
 * the same payments connector with its own limit and credential. The two bystanders are A's Slack
 * and B's payments, each through an MCP client.
 */
export async function startBacklogStage() {
  const [database, fake] = await Promise.all([createTestDatabase('postgres'), startFakeSaas()]);
  const env: Record<string, string> = {
    ...database.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `backlog-${Math.random().toString(36).slice(2, 10)}`,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    BOOTSTRAP_API_KEY: TEST_API_KEY,
    EGRESS_ALLOW_HOSTS: '127.0.0.1',
    RATE_LIMIT_PER_MINUTE: '1000000',
  };
  const [apiProcess, firstWorker] = await Promise.all([spawnSwitchboard('api', env), spawnSwitchboard('worker', env)]);
  let worker: SpawnedSwitchboard = firstWorker;
  const config = loadConfig({ ...env, PORT: '0' });
  const handle: DatabaseHandle = await openDatabase(config.database);
  const temporal: TemporalHandle = await connectTemporal(env.TEMPORAL_ADDRESS!, config.temporal);
  const rest = (method: string, path: string, body?: unknown, key = TEST_API_KEY) => api(apiProcess.url, key, method, path, body);

  expect((await rest('POST', '/api/connectors', paymentsConnector(fake.url))).status).toBe(201);
  expect((await rest('PUT', '/api/connectors/acme-pay/settings', { rateLimit: { requestsPerSecond: 1, burst: 1 } })).status).toBe(200);
  expect((await rest('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url, rateLimit: { requestsPerSecond: 10_000, burst: 10_000 } })).status).toBe(200);
  for (const connectorId of ['acme-pay', 'slack']) {
    expect((await rest('POST', '/api/credentials', { connectorId, authenticationType: 'bearer', fields: { token: fake.token } })).status).toBe(201);
  }
  const otherConnector: McpClient = await connectMcp((await rest('POST', '/api/servers', { name: 'a' })).body.accessUrl);
  const accountA = (await handle.db.selectFrom('accounts').select('id').orderBy('created_at').executeTakeFirstOrThrow()).id;

  const accountB = await createAccount(handle.db, await loadSecretBox(config), { name: 'b' });
  const keyB = (await createApiKey(handle.db, { accountId: accountB.id, userId: 'default', name: 'b' })).key;
  expect((await rest('POST', '/api/connectors', paymentsConnector(fake.url), keyB)).status).toBe(201);
  expect((await rest('POST', '/api/credentials', { connectorId: 'acme-pay', authenticationType: 'bearer', fields: { token: fake.token } }, keyB)).status).toBe(201);
  const otherAccount: McpClient = await connectMcp((await rest('POST', '/api/servers', { name: 'b' }, keyB)).body.accessUrl);

  return {
    fake,
    temporal,
    rest,
    otherConnector,
    otherAccount,
    get worker() {
      return worker;
    },
    /** One execute_action by each bystander; both must succeed. */
    async callBystanders(label: string) {
      for (const [client, connectorId, actionId, parameters] of [
        [otherConnector, 'slack', 'chat_postMessage', { channel: 'C1', text: label }],
        [otherAccount, 'acme-pay', 'create_charge', { amount: -1 }],
      ] as const) {
        const result = await client.callTool({ name: 'execute_action', arguments: { connectorId, actionId, parameters } });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      }
    },
    /**
     * Starts `count` charges on account A's throttled connector with the Temporal client, as a
     * backend would (POST /api/runs does the same, plus its checks), 100 at a time, and waits until
     * the last has taken its slot and sleeps on a timer. Returns the workflow ids.
     */
    async queueBacklog(count: number): Promise<string[]> {
      const runIds: string[] = [];
      for (let start = 0; start < count; start += 100) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(100, count - start) }, (_, i) => {
            const input = { accountId: accountA, userId: 'default', serverId: 'api', connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount: start + i } };
            const options = actionWorkflowOptions(temporal, input);
            return temporal.client.workflow.start(workflowTypes.executeAction, options).then(() => options.workflowId);
          }),
        );
        runIds.push(...batch);
      }
      await until(async () => {
        const history = await temporal.client.workflow.getHandle(runIds.at(-1)!).fetchHistory();
        return (history.events ?? []).some((event) => event.timerStartedEventAttributes);
      }, 'the backlog to settle', 90_000);
      return runIds;
    },
    /** The backlog's charges the fake API took (the bystanders' are negative). */
    backlogCharges: () => fake.charges.filter((charge) => Number(charge.amount) >= 0),
    async replaceWorkerAfterKill() {
      const killed = new Promise((resolve) => worker.child.once('exit', resolve));
      worker.child.kill('SIGKILL');
      await killed;
      worker = await spawnSwitchboard('worker', env);
    },
    async close() {
      await Promise.all([otherConnector, otherAccount].map((client) => client.close().catch(() => undefined)));
      await Promise.all([apiProcess.stop(), worker.stop()]);
      await temporal.connection.close();
      await handle.close();
      await fake.close();
      await database.drop();
    },
  };
}

export type BacklogStage = Awaited<ReturnType<typeof startBacklogStage>>;
