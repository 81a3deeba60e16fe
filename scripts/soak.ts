/**
 * `npm run soak [-- --minutes 10 --rate 10 --max-rss-mb 512]`: a steady stream of MCP calls
 * (execute_action against a local fake API, list_connectors, tools/list) to a real Switchboard
 * process (`src/app/main.ts all`: embedded Temporal, PostgreSQL on 127.0.0.1), sampling that
 * process's resident memory every 10 s. Every target is 127.0.0.1. Exits 1 on any failed call or
 * when RSS goes over the bound.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../test/support/database.js';
import { startFakeSaas } from '../test/support/fakeSaas.js';
import { api, connectMcp } from '../test/support/mcp.js';
import { spawnSwitchboard } from '../test/support/process.js';

const API_KEY = 'sk_soak_switchboard_bootstrap_key_0001';
const SAMPLE_EVERY_MS = 10_000;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '10' },
    'max-rss-mb': { type: 'string', default: '512' },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const maxRssMb = Number(values['max-rss-mb']);
if (!(minutes > 0 && minutes <= 60 && rate > 0 && rate <= 200 && maxRssMb > 0)) {
  console.error('--minutes must be in (0, 60], --rate in (0, 200] calls/s, --max-rss-mb > 0');
  process.exit(2);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Math.round(Number(match?.[1] ?? 0) / 1024);
  } catch {
    // The process is gone: that is a failure of the soak, reported as such.
    return Number.POSITIVE_INFINITY;
  }
}

const fake = await startFakeSaas();
const database = await createTestDatabase('postgres');
const app = await spawnSwitchboard('all', {
  ...database.env,
  ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
  BOOTSTRAP_API_KEY: API_KEY,
  EGRESS_ALLOW_HOSTS: '127.0.0.1',
  RATE_LIMIT_PER_MINUTE: '1000000',
  TEMPORAL_PORT: String(await freePort()),
  TEMPORAL_UI_PORT: String(await freePort()),
});
const pid = app.child.pid!;

let exitCode = 0;
try {
  // A connector with no rate limit of its own: the soak measures Switchboard, not a throttle's queue.
  const connector = await api(app.url, API_KEY, 'POST', '/api/connectors', {
    id: 'soak-chat',
    name: 'Soak Chat',
    baseUrl: fake.url,
    authMethods: [{ type: 'bearer' }],
    resources: [{ id: 'channels', name: 'Channels' }],
    actions: [
      {
        id: 'list_channels',
        resource: 'channels',
        title: 'List channels',
        description: 'Lists channels',
        method: 'GET',
        path: '/conversations.list',
        parameters: [{ name: 'limit', in: 'query', type: 'integer', required: false }],
        response: {},
      },
    ],
  });
  if (connector.status !== 201) throw new Error(`could not create the connector: ${JSON.stringify(connector.body)}`);
  await api(app.url, API_KEY, 'POST', '/api/credentials', { connectorId: 'soak-chat', authenticationType: 'bearer', fields: { token: fake.token } });
  const server = await api(app.url, API_KEY, 'POST', '/api/servers', { name: 'soak' });
  const client = await connectMcp(server.body.accessUrl as string);

  let sent = 0;
  let failed = 0;
  let inFlight = 0;
  const latencies: number[] = [];
  const failures: string[] = [];
  const call = async (index: number) => {
    const started = performance.now();
    inFlight++;
    try {
      if (index % 4 === 3) {
        await client.listTools();
      } else {
        const result =
          index % 4 === 2
            ? await client.callTool({ name: 'list_connectors', arguments: { category: 'communication' } })
            : await client.callTool({
                name: 'execute_action',
                arguments: { connectorId: 'soak-chat', actionId: 'list_channels', parameters: { limit: 1 + (index % 10) } },
              });
        if (result.isError) throw new Error(JSON.stringify(result.content).slice(0, 300));
      }
      latencies.push(performance.now() - started);
    } catch (error) {
      failed++;
      if (failures.length < 5) failures.push((error as Error).message);
    } finally {
      inFlight--;
    }
  };

  const samples: Array<{ second: number; rssMb: number }> = [];
  const startedAt = Date.now();
  const sample = () => {
    const second = Math.round((Date.now() - startedAt) / 1000);
    samples.push({ second, rssMb: rssMb(pid) });
    console.log(`t=${String(second).padStart(4)}s  rss=${samples.at(-1)!.rssMb} MB  calls=${sent}  failed=${failed}  in-flight=${inFlight}`);
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_EVERY_MS);
  // Calls leave on a fixed schedule whatever the answers do, so a slow server builds a queue.
  const calls: Array<Promise<void>> = [];
  const endAt = startedAt + minutes * 60_000;
  for (let index = 0; Date.now() < endAt; index++) {
    calls.push(call(index));
    sent++;
    const wait = startedAt + ((index + 1) * 1000) / rate - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all(calls);
  clearInterval(sampler);
  sample();
  await client.close();

  latencies.sort((a, b) => a - b);
  const quantile = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  const rss = samples.map((s) => s.rssMb);
  const afterWarmUp = samples.filter((s) => s.second >= 60).map((s) => s.rssMb);
  console.log(
    [
      '',
      `soak: ${minutes} min at ${rate} calls/s through /mcp: ${sent} calls, ${failed} failed, upstream saw ${fake.requests.length} requests`,
      `latency ms: p50 ${quantile(0.5)}, p95 ${quantile(0.95)}, p99 ${quantile(0.99)}`,
      `RSS of the Switchboard process (MB): start ${rss[0]}, max ${Math.max(...rss)}, end ${rss.at(-1)}` +
        (afterWarmUp.length > 1 ? `; after the first minute min ${Math.min(...afterWarmUp)}, max ${Math.max(...afterWarmUp)}` : ''),
      `bound: no failed call and RSS <= ${maxRssMb} MB throughout`,
    ].join('\n'),
  );
  if (failures.length > 0) console.log(`first failures:\n  ${failures.join('\n  ')}`);
  if (failed > 0 || Math.max(...rss) > maxRssMb) exitCode = 1;
} finally {
  await app.stop();
  await fake.close();
  await database.drop();
}
process.exit(exitCode);
