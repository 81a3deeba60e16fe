/**
 * npm run bench — figures from one run on this machine, each against a baseline measured in the
 * same run, with the goals printed beside them (nothing here fails a build). Scenarios
 * (docs/performance.md):
 *
 *   compare  execute_action against a plain MCP proxy and the direct call (bench/compare)
 *   single   one process: execute_action vs the direct call at c=1 and 32, the reads, the throttle
 *   backlog  RSS and a bystander's latency with N runs queued on a throttled connector (--runs N)
 *   storm    N concurrent slow calls with separate API and worker processes (--calls N)
 *
 * `npm run bench` runs all four, each in a process of its own (backlog with 2,000 runs and storm
 * with 200 calls unless --runs / --calls say otherwise); `npm run bench -- compare storm` runs the
 * ones named. Flags are passed to every scenario; each reads its own.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { startSwitchboard } from '../src/app/start.js';
import { startFakeSaas } from '../test/support/fakeSaas.js';
import { mcpTransport } from '../test/support/mcp.js';
import { fmt, measure, summarize, type LatencySummary } from './stats.js';
import { benchBacklog } from './backlog.js';
import { benchStorm } from './storm.js';
import { benchThrottle } from './throttle.js';
import { runComparison } from './compare/index.js';
import { API_KEY, apiCaller, configureSlack, DATABASE_URL, freePort } from './setup.js';

const usePglite = process.argv.includes('--pglite');
const runsFlag = process.argv.indexOf('--runs');
const backlogRuns = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 10_000;
/** The c=1 overhead README recorded on this machine before durable waiting (one local activity that slept inside). */
const OVERHEAD_BEFORE = { p50: 29.8, p99: 43.2 };

async function single(backlogMode = false) {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
  const schema = `bench_${Date.now().toString(36)}`;
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    ...(usePglite ? {} : { DATABASE_URL, DATABASE_SCHEMA: schema }),
    ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    BOOTSTRAP_API_KEY: API_KEY,
    RATE_LIMIT_PER_MINUTE: '1000000',
    EGRESS_ALLOW_HOSTS: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...(process.env.TEMPORAL_CLI ? { TEMPORAL_CLI: process.env.TEMPORAL_CLI } : {}),
    ...(process.env.TEMPORAL_ADDRESS ? { TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS } : {}),
  });
  const [app, fake] = await Promise.all([startSwitchboard(config, { logger: createLogger('warn') }), startFakeSaas()]);
  const clients: Client[] = [];
  try {
    const call = apiCaller(app.apiUrl!);
    const accessUrl = await configureSlack(app.apiUrl!, fake);

    for (let i = 0; i < 32; i += 1) {
      const client = new Client({ name: 'bench', version: '1' });
      await client.connect(mcpTransport(accessUrl));
      clients.push(client);
    }
    const message = { channel: 'C1', text: 'bench' };
    const viaMcp = async (index: number) => {
      const result = await clients[index % clients.length]!.callTool({
        name: 'execute_action',
        arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: message },
      });
      if (result.isError) throw new Error(JSON.stringify(result.content));
    };
    const direct = async () => {
      const response = await fetch(`${fake.url}/chat.postMessage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(message),
      });
      await response.arrayBuffer();
    };
    const read = (name: string, args: Record<string, unknown>) => async (index: number) => {
      const result = await clients[index % clients.length]!.callTool({ name, arguments: args });
      if (result.isError) throw new Error(JSON.stringify(result.content));
    };

    if (backlogMode) {
      await benchBacklog({ app, fake, call, bystander: viaMcp, runs: backlogRuns });
      return;
    }

    // Warm-up: JIT, connection pools, workflow cache, catalogue cache.
    await measure(100, 8, viaMcp);
    await measure(100, 8, direct);
    await measure(50, 4, read('get_action_details', { connectorId: 'slack', actionId: 'chat_postMessage' }));
    fake.reset();

    const rows: Array<[string, LatencySummary, LatencySummary, number]> = [];
    for (const [concurrency, total] of [
      [1, 300],
      [32, 2000],
    ] as const) {
      const baseline = await measure(total, concurrency, direct);
      const mcp = await measure(total, concurrency, viaMcp);
      rows.push([`c=${concurrency}`, summarize(mcp.samples), summarize(baseline.samples), (total / mcp.wallMs) * 1000]);
    }
    const listConnectors = summarize((await measure(200, 1, read('list_connectors', {}))).samples);
    const actionDetails = summarize(
      (await measure(200, 1, read('get_action_details', { connectorId: 'slack', actionId: 'chat_postMessage' }))).samples,
    );

    console.log(`\nSwitchboard bench (${usePglite ? 'PGlite' : 'PostgreSQL'}, embedded Temporal dev server, one process)\n`);
    console.log('execute_action via MCP vs the same request straight to the fake API');
    for (const [label, mcp, base, rate] of rows) {
      console.log(
        `  ${label.padEnd(5)} MCP p50 ${fmt(mcp.p50)} p99 ${fmt(mcp.p99)} | direct p50 ${fmt(base.p50)} p99 ${fmt(base.p99)}` +
          ` | overhead p50 ${fmt(mcp.p50 - base.p50)} (×${(mcp.p50 / base.p50).toFixed(1)}) p99 ${fmt(mcp.p99 - base.p99)}` +
          ` (×${(mcp.p99 / base.p99).toFixed(1)}) | ${rate.toFixed(0)} calls/s`,
      );
    }
    const [c1, c32] = rows;
    console.log(`  c=1 overhead before durable waiting (README, same machine): p50 ${fmt(OVERHEAD_BEFORE.p50)}, p99 ${fmt(OVERHEAD_BEFORE.p99)}; now p50 ${fmt(c1![1].p50 - c1![2].p50)}, p99 ${fmt(c1![1].p99 - c1![2].p99)}`);
    console.log(`  targets: overhead p50 ≤ 15 ms (${fmt(c1![1].p50 - c1![2].p50)}), p99 ≤ 60 ms (${fmt(c1![1].p99 - c1![2].p99)}) at c=1; ≥ 200 calls/s at c=32 (${c32![3].toFixed(0)})`);
    console.log('reads (MCP tools/call, c=1)');
    console.log(`  list_connectors     p50 ${fmt(listConnectors.p50)} p99 ${fmt(listConnectors.p99)}`);
    console.log(`  get_action_details  p50 ${fmt(actionDetails.p50)} p99 ${fmt(actionDetails.p99)}`);
    console.log(`  target: reads p50 ≤ 5 ms`);

    // Throttle: the permit's own cost on a key far under its limit, the rate achieved by callers
    // asking 4x faster than a limit allows, and the same end to end against an API enforcing it.
    const throttle = await benchThrottle(app.database.db, { samples: 300, limit: 20, callers: 80 });
    const limit = 10;
    await call('PUT', '/api/connectors/slack/settings', { rateLimit: { requestsPerSecond: limit, burst: 1 } });
    fake.reset();
    fake.limitPerSecond = limit;
    const endToEnd = await measure(4 * limit, 4 * limit, viaMcp);
    const arrivals = fake.requests.map((request) => request.at).sort((a, b) => a - b);
    const achievedEndToEnd = ((arrivals.length - 1) * 1000) / (arrivals.at(-1)! - arrivals[0]!);
    console.log('throttle (Postgres GCRA ledger)');
    console.log(`  permit under the limit  p50 ${fmt(throttle.permit.p50)} p99 ${fmt(throttle.permit.p99)} (target p50 ≤ 5 ms)`);
    console.log(
      `  80 callers vs 20/s      achieved ${throttle.achievedPerSecond}/s (${throttle.deviationPercent}% vs configured; slots run at 90 % of it, so target −10 % ± 2), busiest second ${throttle.busiestSecond}`,
    );
    console.log(
      `  end to end, 40 execute_action vs an API limited to ${limit}/s: achieved ${achievedEndToEnd.toFixed(2)}/s, ` +
        `429s from the API ${fake.rateLimited} (target 0), wall ${(endToEnd.wallMs / 1000).toFixed(1)} s`,
    );
  } finally {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await fake.close();
    await app.stop();
    if (!usePglite) {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

const scenarios: Record<string, () => Promise<void>> = {
  compare: runComparison,
  single: () => single(),
  backlog: () => single(true),
  storm: benchStorm,
};
const args = process.argv.slice(2);
/** Flags followed by a value; --pglite takes none. */
const VALUE_FLAGS = new Set(['--runs', '--calls', '--slow-ms', '--seconds', '--concurrency']);
const words = args.filter((arg, index) => !arg.startsWith('--') && !VALUE_FLAGS.has(args[index - 1] ?? ''));
const named = words.filter((word) => word in scenarios);
const unknown = words.filter((word) => !(word in scenarios));
const load = () => loadavg().map((value) => value.toFixed(1)).join(', ');

/** Every scenario in turn, each in a process of its own so that one's memory and timers never reach the next. */
async function all(): Promise<void> {
  const flags = args.filter((arg) => !named.includes(arg));
  const defaults: Record<string, string[]> = { backlog: flags.includes('--runs') ? [] : ['--runs', '2000'], storm: flags.includes('--calls') ? [] : ['--calls', '200'] };
  const failed: string[] = [];
  for (const scenario of Object.keys(scenarios)) {
    console.log(`\n=== ${scenario} (load average ${load()}; ${new Date().toISOString()}) ===`);
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, scenario, ...flags, ...(defaults[scenario] ?? [])], { stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) failed.push(scenario);
  }
  console.log(`\nload average at the end: ${load()}`);
  if (failed.length > 0) throw new Error(`scenarios that failed: ${failed.join(', ')}`);
}

async function run(): Promise<void> {
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
  if (named.length === 0) return all();
  for (const scenario of named) {
    console.log(`\n=== ${scenario} (load average ${load()}; ${new Date().toISOString()}) ===`);
    await scenarios[scenario]!();
  }
  console.log(`\nload average at the end: ${load()}`);
}

run().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
