import { readFileSync } from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Connection, WorkflowClient } from '@temporalio/client';
import proto from '@temporalio/proto';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connect.js';
import { createAccount, createApiKey } from '../../src/db/repositories/accounts.js';
import { loadSecretBox } from '../../src/secrets/keyring.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { startFakeSaas, type FakeSaas } from './fakeSaas.js';
import { paymentsConnector } from './faults.js';
import { api, connectMcp } from './mcp.js';
import { spawnSwitchboard, type SpawnedSwitchboard } from './process.js';

/**
 * A slow-call storm with real processes, shared by the storm fault test and `npm run bench --
 * storm`: an API and a worker process, a fake SaaS on 127.0.0.1 whose POST /charges answers after
 * `slowMs` (and honours Idempotency-Key, so a resent charge is told from a new one), and three MCP
 * callers: account A's storm server, account A's other server and account B's server. The
 * bystanders call Slack's chat.postMessage on the same fake SaaS, which answers at once.
 */

const API_KEY = 'sk_test_switchboard_bootstrap_key_0001';
const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
/** MCP callers the storm's calls are spread over. */
const STORM_CLIENTS = 8;
/** How long one bystander call may take before it counts as failed. */
const BYSTANDER_TIMEOUT_MS = 300_000;
/** How long a process may take to start: a worker bundles its workflows first, which took over 60 s at load 22 on 2 cores. */
const STARTUP = { readyTimeoutMs: 240_000 };

export interface StormRig {
  fake: FakeSaas;
  apiProcess: SpawnedSwitchboard;
  worker: SpawnedSwitchboard;
  /** Account A's bootstrap key (A runs the storm). */
  apiKey: string;
  accountA: string;
  /** A's storm server: its MCP callers and the server's id. */
  storm: { clients: Client[]; serverId: string };
  /** Fast callers beside the storm: A's other server and B's server. */
  bystanders: { otherServer: Client; otherAccount: Client };
  /** SIGKILL the worker and start a new one with the same environment. */
  replaceWorker(): Promise<void>;
  /** Where one bystander call's time went, from its run's history. */
  whereTheTimeWent(call: { ms: number; workflowId: string; sentAt: number }): Promise<string>;
  close(): Promise<void>;
}

export interface StormOptions {
  temporalAddress: string;
  slowMs: number;
  /** Extra environment for both processes (caps, tuning). */
  env?: Record<string, string>;
}

export async function startStormRig(options: StormOptions): Promise<StormRig> {
  let database: TestDatabase | undefined;
  let fake: FakeSaas | undefined;
  const processes: SpawnedSwitchboard[] = [];
  const clients: Client[] = [];
  let temporal: Connection | undefined;
  const close = async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await temporal?.close();
    await Promise.all(processes.map((process) => process.stop()));
    await fake?.close();
    await database?.drop();
  };
  try {
    [database, fake] = await Promise.all([createTestDatabase('postgres'), startFakeSaas()]);
    const env = {
      ...database.env,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_TASK_QUEUE: `storm-${Math.random().toString(36).slice(2, 10)}`,
      ENCRYPTION_KEY,
      BOOTSTRAP_API_KEY: API_KEY,
      EGRESS_ALLOW_HOSTS: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '1000000',
      UPSTREAM_TOTAL_TIMEOUT_MS: String(Math.max(30_000, options.slowMs * 3)),
      ...options.env,
    };
    const [apiProcess, firstWorker] = await Promise.all([spawnSwitchboard('api', env, STARTUP), spawnSwitchboard('worker', env, STARTUP)]);
    processes.push(apiProcess, firstWorker);
    for (const [role, spawned] of [['api', apiProcess], ['worker', firstWorker]] as const) watchExit(role, spawned);
    const rest = async (method: string, path: string, body?: unknown, key = API_KEY) => {
      const answer = await api(apiProcess.url, key, method, path, body);
      if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    };
    fake.fail({ path: '/charges', delayMs: options.slowMs });

    // Account A: the slow payments connector (its rate limit far above the storm) and a fast Slack.
    await rest('POST', '/api/connectors', paymentsConnector(fake.url));
    await rest('PUT', '/api/connectors/acme-pay/settings', { rateLimit: { requestsPerSecond: 100_000, burst: 100_000 } });
    await rest('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url, rateLimit: { requestsPerSecond: 100_000, burst: 100_000 } });
    for (const connectorId of ['acme-pay', 'slack']) {
      await rest('POST', '/api/credentials', { connectorId, authenticationType: 'bearer', fields: { token: fake.token } });
    }
    const stormServer = await rest('POST', '/api/servers', { name: 'storm' });
    const otherServer = await rest('POST', '/api/servers', { name: 'other' });

    // Account B: Slack on the same fake API.
    const config = loadConfig({ ...env, PORT: '0' });
    const handle = await openDatabase(config.database);
    let keyB: string;
    let accountA: string;
    try {
      accountA = (await handle.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
      const accountB = await createAccount(handle.db, await loadSecretBox(config), { name: 'b' });
      keyB = (await createApiKey(handle.db, { accountId: accountB.id, userId: 'default', name: 'b' })).key;
    } finally {
      await handle.close();
    }
    await rest('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url, rateLimit: { requestsPerSecond: 100_000, burst: 100_000 } }, keyB);
    await rest('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: fake.token } }, keyB);
    const serverB = await rest('POST', '/api/servers', { name: 'b' }, keyB);

    for (let i = 0; i < STORM_CLIENTS; i++) clients.push(await connectMcp(stormServer.accessUrl as string));
    const bystanders = { otherServer: await connectMcp(otherServer.accessUrl as string), otherAccount: await connectMcp(serverB.accessUrl as string) };
    clients.push(bystanders.otherServer, bystanders.otherAccount);

    temporal = await Connection.connect({ address: options.temporalAddress });
    const workflows = new WorkflowClient({ connection: temporal });
    const rig: StormRig = {
      fake,
      apiProcess,
      worker: firstWorker,
      apiKey: API_KEY,
      accountA,
      storm: { clients: clients.slice(0, STORM_CLIENTS), serverId: stormServer.serverId as string },
      bystanders,
      async replaceWorker() {
        const exited = new Promise((resolve) => rig.worker.child.once('exit', resolve));
        rig.worker.child.kill('SIGKILL');
        await exited;
        rig.worker = await spawnSwitchboard('worker', env, STARTUP);
        processes.push(rig.worker);
        watchExit('worker', rig.worker);
      },
      whereTheTimeWent: (call) => whereTheTimeWent(workflows, call),
      close,
    };
    return rig;
  } catch (error) {
    await close();
    throw error;
  }
}

/** A process that dies on its own says why (its last output), instead of leaving a bare ENOENT on /proc. */
function watchExit(role: string, spawned: SpawnedSwitchboard) {
  spawned.child.once('exit', (code, signal) => {
    if (signal === 'SIGKILL' || signal === 'SIGTERM' || code === 0) return;
    console.error(`${role} process exited (${code ?? signal}); its last output:\n${spawned.output().slice(-4000)}`);
  });
}

/**
 * Where one call's time went, from its run's history: the API's part (request to workflow start),
 * the wait for a workflow task, the task itself (the fast attempt) and the way back to the caller.
 */
async function whereTheTimeWent(client: WorkflowClient, call: { ms: number; workflowId: string; sentAt: number }): Promise<string> {
  const events = (await client.getHandle(call.workflowId).fetchHistory()).events ?? [];
  const at = (type: proto.temporal.api.enums.v1.EventType) => {
    const time = events.find((event) => event.eventType === type)?.eventTime;
    return time ? Number(time.seconds) * 1000 + Math.floor((time.nanos ?? 0) / 1e6) : NaN;
  };
  const { EventType } = proto.temporal.api.enums.v1;
  const started = at(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  const taskStarted = at(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
  const completed = at(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  const part = (label: string, ms: number) => `${label} ${Number.isNaN(ms) ? '?' : `${Math.max(0, ms).toFixed(0)} ms`}`;
  return [
    part('API to workflow start', started - call.sentAt),
    part('waiting for a workflow task', taskStarted - started),
    part('workflow task (the fast attempt)', completed - taskStarted),
    part('back to the caller', call.sentAt + call.ms - completed),
  ].join(', ');
}

/** One storm call: a charge of `amount` (distinct per call, so each is counted once upstream). */
export function stormCall(rig: StormRig, amount: number) {
  const client = rig.storm.clients[amount % rig.storm.clients.length]!;
  return client.callTool(
    { name: 'execute_action', arguments: { connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount } } },
    undefined,
    { timeout: 900_000 },
  );
}

/** The distinct charges the slow upstream took (amounts ≥ 0: the storm's). */
export function stormCharges(rig: StormRig): number {
  return new Set(rig.fake.charges.map((charge) => charge.amount)).size;
}

/** Sequential fast calls from both bystanders, interleaved (each first in turn); latencies in ms, and the slowest call (for a look at its run). */
export async function bystanderLatencies(rig: StormRig, samples: number, label: string, options: { failures?: string[] } = {}) {
  const latencies = { otherServer: [] as number[], otherAccount: [] as number[] };
  let slowest = { ms: 0, workflowId: '', sentAt: 0 };
  for (let i = 0; i < samples; i++) {
    // Each goes first in turn: the first sample after a storm begins meets its burst at the front door.
    for (const who of i % 2 === 0 ? (['otherServer', 'otherAccount'] as const) : (['otherAccount', 'otherServer'] as const)) {
      const sentAt = Date.now();
      const started = performance.now();
      // Past the SDK's 60 s default: on a starved machine a slow sample is a figure to report, not a crash.
      const result = await rig.bystanders[who]
        .callTool(
          { name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: `${label} ${i}` } } },
          undefined,
          { timeout: BYSTANDER_TIMEOUT_MS },
        )
        .catch((error: unknown) => ({ isError: true, content: String(error), structuredContent: undefined }));
      const ms = performance.now() - started;
      latencies[who].push(ms);
      if (result.isError) {
        // The bench counts a failed sample and goes on (its figures say how many); the fault test fails on it.
        const failure = `bystander ${who} failed after ${ms.toFixed(0)} ms: ${JSON.stringify(result.content).slice(0, 300)}`;
        if (!options.failures) throw new Error(failure);
        options.failures.push(failure);
        continue;
      }
      if (ms > slowest.ms) slowest = { ms, workflowId: (result.structuredContent as { workflowId: string }).workflowId, sentAt };
    }
  }
  return { ...latencies, slowest };
}

export function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/**
 * Where a process's memory is, from its /proc status and its /metrics page (prom-client's
 * figures of the main thread; a Temporal worker's workflow threads and its Rust core are in RSS
 * only): MB of resident anonymous memory, V8 heap used and allocated (and its young generation),
 * and memory outside the heap.
 */
export async function memoryOf(url: string, pid: number): Promise<Record<string, number>> {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
  const page = await fetch(`${url}/metrics`).then((answer) => answer.text());
  const metric = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(page)?.[1] ?? NaN) / 2 ** 20;
  // The young generation: V8 grows it (up to --max-semi-space-size) while a burst allocates fast.
  const newSpace = Number(/^nodejs_heap_space_size_total_bytes\{space="new"\} (\S+)$/m.exec(page)?.[1] ?? NaN) / 2 ** 20;
  return {
    rss: kb('VmRSS'),
    anon: kb('RssAnon'),
    heapUsed: metric('nodejs_heap_size_used_bytes'),
    heapTotal: metric('nodejs_heap_size_total_bytes'),
    external: metric('nodejs_external_memory_bytes'),
    newSpace,
  };
}

/** The process's resident memory; NaN once it has exited. */
export function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  } catch {
    return NaN;
  }
}
