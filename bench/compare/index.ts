/**
 * `npm run bench` (mode `compare`): Switchboard's execute_action against a plain MCP proxy and the
 * direct HTTP call, all measured in this one run against the same fake API, with the load
 * generator in a process of its own. Prints p50, p99 and throughput at each concurrency with ratios
 * against the plain proxy, the reads, the all-in-one process's RSS under the heaviest load, a
 * per-phase breakdown of one call from its spans, and the targets beside the figures.
 *
 * Database statements per call are read from each process's switchboard_database_statements_total
 * (/metrics) before and after a run of sequential calls; the split shape's figure is API and
 * worker together, what the issue's goal counts.
 *
 * Targets are interleaved in 5 s slices so that load from elsewhere lands on all of them alike.
 * Flags: --seconds N (per cell, default 10), --concurrency 1,16,64, --pglite (the in-process shape
 * on the embedded database; the split shape always uses PostgreSQL).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { ensureTemporalCli } from '../../src/temporal/cli.js';
import { startDevServer } from '../../src/temporal/devServer.js';
import { fmt, summarize, type LatencySummary } from '../stats.js';
import type { LoadJob, LoadResult, LoadTarget } from './load.js';
import { PHASES, phasesOf, startSpanReceiver, statementsOfOneCall, statementsPerCall } from './phases.js';
import { profileWhile, summarizeProfile } from './profile.js';
import { API_KEY, configureSlack, DATABASE_URL, freePort } from '../setup.js';

const here = new URL('.', import.meta.url).pathname;
const root = new URL('../../', import.meta.url).pathname;

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

const children: ChildProcess[] = [];
function tsxProcess(script: string, args: string[], env: NodeJS.ProcessEnv = process.env, nodeArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(url: string, timeoutMs = 180_000, anyStatus = false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok || anyStatus) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
}

/** The load generator: one forked process, one job at a time. */
function startLoadGenerator() {
  const child = fork(join(here, 'load.ts'), [], { execArgv: ['--import', 'tsx'], cwd: root });
  children.push(child);
  return {
    run(job: LoadJob): Promise<LoadResult> {
      return new Promise((resolve, reject) => {
        child.once('message', (message: { ok: boolean; result?: LoadResult; error?: string }) =>
          message.ok ? resolve(message.result!) : reject(new Error(message.error)),
        );
        child.send(job);
      });
    },
  };
}

interface Shape {
  name: string;
  apiUrl: string;
  /** The process whose RSS is sampled (the all-in-one process). */
  pid?: number;
  /** Its inspector, for the CPU profile. */
  inspectorPort?: number;
  /** Every process of the shape, whose /metrics count its database statements. */
  processUrls: string[];
  stop(): Promise<void>;
}

async function startShape(
  shape: 'in-process' | 'split',
  common: { temporalAddress: string; dataDir: string; pglite: boolean },
  extraEnv: Record<string, string> = {},
): Promise<Shape> {
  const schema = `bench_${shape.replace('-', '_')}_${Date.now().toString(36)}`;
  schemas.push(schema);
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.XDG_CACHE_HOME ? { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME } : {}),
    DATA_DIR: join(common.dataDir, schema),
    ...(common.pglite && shape === 'in-process' ? {} : { DATABASE_URL, DATABASE_SCHEMA: schema }),
    ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    BOOTSTRAP_API_KEY: API_KEY,
    RATE_LIMIT_PER_MINUTE: '1000000',
    EGRESS_ALLOW_HOSTS: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: common.temporalAddress,
    TEMPORAL_TASK_QUEUE: schema,
    // Nothing in the background while statements are counted.
    STATE_CLEANUP_INTERVAL_SECONDS: '86400',
    ...extraEnv,
  };
  const apiPort = await freePort();
  if (shape === 'in-process') {
    const inspectorPort = await freePort();
    const app = tsxProcess('src/app/main.ts', ['all'], { ...base, PORT: String(apiPort) }, [`--inspect=127.0.0.1:${inspectorPort}`]);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitFor(`${apiUrl}/readyz`);
    return { name: 'Switchboard in-process', apiUrl, pid: app.pid!, inspectorPort, processUrls: [apiUrl], stop: () => stopProcess(app) };
  }
  // The worker migrates the schema first; the API then finds it ready.
  const workerPort = await freePort();
  const worker = tsxProcess('src/app/main.ts', ['worker'], { ...base, PORT: String(workerPort) });
  const api = tsxProcess('src/app/main.ts', ['api'], { ...base, PORT: String(apiPort) });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor(`${apiUrl}/readyz`);
  return { name: 'Switchboard split', apiUrl, processUrls: [apiUrl, `http://127.0.0.1:${workerPort}`], stop: async () => void (await Promise.all([stopProcess(api), stopProcess(worker)])) };
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  return line ? Number(line.replace(/\D+/g, '')) / 1024 : NaN;
}

const schemas: string[] = [];

/** Database statements the shape's processes have run so far, together. */
async function statementsSoFar(shape: Shape): Promise<number> {
  let total = 0;
  for (const url of shape.processUrls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    total += Number(/^switchboard_database_statements_total (\d+)$/m.exec(text)?.[1] ?? NaN);
  }
  return total;
}

interface CpuFigures {
  busyMs: number;
  rows: Array<[string, number]>;
  calls: number;
  concurrency: number;
}

interface Cell {
  latency: LatencySummary;
  perSecond: number;
  errors: number;
}

export async function runComparison(): Promise<void> {
  const seconds = Number(flag('seconds', '10'));
  const concurrencies = flag('concurrency', '1,16,64').split(',').map(Number);
  const pglite = process.argv.includes('--pglite');
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
  const logger = createLogger('warn');
  const config = loadConfig({});
  const cliPath = await ensureTemporalCli({ cliPath: config.temporal.cliPath, cacheDir: config.temporal.cliCacheDir });
  const temporal = await startDevServer({
    cliPath,
    dataDir: join(dataDir, 'temporal'),
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    logger,
  });
  const fakeProcess = fork(join(here, 'fakeApi.ts'), [], { execArgv: ['--import', 'tsx'], cwd: root });
  children.push(fakeProcess);
  const fake = await new Promise<{ url: string; token: string }>((resolve) => fakeProcess.once('message', resolve as never));
  const load = startLoadGenerator();
  const proxyPort = await freePort();
  const proxy = tsxProcess(join(here, 'plainProxy.ts'), [String(proxyPort), fake.url, fake.token]);
  const common = { temporalAddress: temporal.address, dataDir, pglite };
  const message = { channel: 'C1', text: 'bench' };
  const toolCall = { connectorId: 'slack', actionId: 'chat_postMessage', parameters: message };
  const results = new Map<string, Map<number, Cell>>();
  const record = (name: string, concurrency: number, result: LoadResult) => {
    if (result.errors > 0) console.error(`  ${name} c=${concurrency}: ${result.errors} errors, first: ${result.firstError}`);
    const cells = results.get(name) ?? new Map<number, Cell>();
    cells.set(concurrency, { latency: summarize(result.samples), perSecond: (result.samples.length / result.wallMs) * 1000, errors: result.errors });
    results.set(name, cells);
  };
  let peakRss = NaN;
  let restRss = NaN;
  const countedStatements: Record<string, number> = {};
  const loadAtStart = loadavg();
  const reads: Record<string, LatencySummary> = {};
  let phaseRows: number[][] = [];
  let statements: string[] = [];
  let medianStatements = NaN;
  let tracedP50 = NaN;
  let cpu: CpuFigures | undefined;

  try {
    await waitFor(`http://127.0.0.1:${proxyPort}/`, 30_000, true);
    const inProcess = await startShape('in-process', common);
    const split = await startShape('split', common);
    const mcpTarget = (url: string): LoadTarget => ({ kind: 'mcp', url, tool: 'execute_action', arguments: toolCall });
    const targets: Array<{ name: string; target: LoadTarget; pid?: number }> = [
      { name: 'direct HTTP', target: { kind: 'direct', url: `${fake.url}/chat.postMessage`, token: fake.token, body: message } },
      { name: 'plain MCP proxy', target: mcpTarget(`http://127.0.0.1:${proxyPort}/mcp`) },
      { name: inProcess.name, target: mcpTarget(await configureSlack(inProcess.apiUrl, fake)), pid: inProcess.pid! },
      { name: split.name, target: mcpTarget(await configureSlack(split.apiUrl, fake)) },
    ];
    // At rest: started, configured, nothing called yet.
    restRss = rssMb(inProcess.pid!);
    // Every target runs in each of `rounds` slices per concurrency, one after another, so a burst of
    // load from elsewhere on the machine lands on all of them rather than on one.
    const rounds = Math.max(1, Math.round(seconds / 5));
    for (const concurrency of concurrencies) {
      const collected = new Map(targets.map(({ name }) => [name, { samples: [] as number[], wallMs: 0, errors: 0, firstError: undefined as string | undefined }]));
      for (const { target } of targets) {
        await load.run({ target, concurrency, seconds: 0, warmupCalls: Math.max(50, 2 * concurrency) });
      }
      for (let round = 0; round < rounds; round += 1) {
        for (const { name, target, pid } of targets) {
          let peak = 0;
          const timer = pid && concurrency === Math.max(...concurrencies) ? setInterval(() => (peak = Math.max(peak, rssMb(pid))), 250) : undefined;
          const result = await load.run({ target, concurrency, seconds: seconds / rounds, warmupCalls: 0 });
          if (timer) {
            clearInterval(timer);
            peakRss = Number.isNaN(peakRss) ? peak : Math.max(peakRss, peak);
          }
          const total = collected.get(name)!;
          total.samples.push(...result.samples);
          total.wallMs += result.wallMs;
          total.errors += result.errors;
          total.firstError ??= result.firstError;
        }
      }
      for (const [name, total] of collected) record(name, concurrency, total);
      console.error(`  measured c=${concurrency}`);
    }
    // Statements per call, API and worker together: sequential calls after the warm-up above, with
    // a pause after them for the marks cleared off the hot path (within a second).
    for (const [shape, target] of [
      [inProcess, targets[2]!.target],
      [split, targets[3]!.target],
    ] as const) {
      const before = await statementsSoFar(shape);
      const counted = await load.run({ target, concurrency: 1, seconds: 30, warmupCalls: 0, maxCalls: 50 });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // The load generator's one client connects (initialize) inside the count: one statement in 50 calls at most.
      countedStatements[shape.name] = ((await statementsSoFar(shape)) - before) / (counted.samples.length + counted.errors);
    }
    await stopProcess(proxy);
    await split.stop();
    for (const [name, args] of [
      ['list_connectors (category)', { category: 'communication' }],
      ['get_action_details', { connectorId: 'slack', actionId: 'chat_postMessage' }],
    ] as const) {
      const tool = name.split(' ')[0]!;
      const result = await load.run({ target: { ...targets[2]!.target, tool, arguments: args } as LoadTarget, concurrency: 1, seconds: 5, warmupCalls: 30, maxCalls: 300 });
      reads[name] = summarize(result.samples);
    }
    // Where the all-in-one process's CPU goes under load, start-up excluded.
    const profiledConcurrency = concurrencies.includes(16) ? 16 : Math.max(...concurrencies);
    let profiled: LoadResult | undefined;
    const profile = await profileWhile(inProcess.inspectorPort!, async () => {
      profiled = await load.run({ target: targets[2]!.target, concurrency: profiledConcurrency, seconds: Math.min(seconds, 10), warmupCalls: 0 });
    });
    cpu = { ...summarizeProfile(profile), calls: profiled!.samples.length, concurrency: profiledConcurrency };
    await inProcess.stop();

    // The breakdown: the in-process shape again, exporting spans to a receiver here.
    const receiver = await startSpanReceiver();
    const traced = await startShape('in-process', common, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'switchboard-bench' });
    const tracedUrl = await configureSlack(traced.apiUrl, fake);
    await load.run({ target: { kind: 'mcp', url: tracedUrl, tool: 'execute_action', arguments: toolCall }, concurrency: 1, seconds: 5, warmupCalls: 30, maxCalls: 0 });
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    receiver.spans.length = 0;
    const tracedRun = await load.run({ target: { kind: 'mcp', url: tracedUrl, tool: 'execute_action', arguments: toolCall }, concurrency: 1, seconds: 10, warmupCalls: 0, maxCalls: 100 });
    tracedP50 = summarize(tracedRun.samples).p50;
    // The batch processor exports every 5 s.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    phaseRows = phasesOf(receiver.spans);
    statements = statementsOfOneCall(receiver.spans);
    medianStatements = statementsPerCall(receiver.spans);
    await traced.stop();
    await receiver.close();

    report({ seconds, concurrencies, pglite, results, reads, peakRss, restRss, countedStatements, load: [loadAtStart, loadavg()], phaseRows, tracedP50, statements, medianStatements, cpu });
  } finally {
    await Promise.all(children.map((child) => stopProcess(child)));
    await temporal.stop();
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function report(figures: {
  seconds: number;
  concurrencies: number[];
  pglite: boolean;
  results: Map<string, Map<number, Cell>>;
  reads: Record<string, LatencySummary>;
  peakRss: number;
  restRss: number;
  countedStatements: Record<string, number>;
  /** The 1, 5 and 15 minute load averages when the comparison started and when it ended. */
  load: [number[], number[]];
  phaseRows: number[][];
  tracedP50: number;
  statements: string[];
  medianStatements: number;
  cpu?: CpuFigures;
}) {
  const { results, concurrencies } = figures;
  const plain = results.get('plain MCP proxy')!;
  const lines: string[] = [];
  lines.push(
    '',
    `execute_action vs a plain MCP proxy and the direct call: one fake API, the official SDK client, load generator in its own process`,
    `(${figures.seconds} s per cell; in-process on ${figures.pglite ? 'PGlite' : 'PostgreSQL'}, split on PostgreSQL; one Temporal dev server)`,
    `load average (1, 5, 15 min) at the start ${figures.load[0].map((value) => value.toFixed(1)).join(', ')}, at the end ${figures.load[1].map((value) => value.toFixed(1)).join(', ')} (${cpus().length} cores)`,
    '',
    `${'target'.padEnd(24)} ${'c'.padStart(3)} ${'p50'.padStart(10)} ${'p95'.padStart(10)} ${'p99'.padStart(10)} ${'calls/s'.padStart(8)}   vs plain proxy (p50, p95, p99, throughput)`,
  );
  for (const [name, cells] of results) {
    for (const concurrency of concurrencies) {
      const cell = cells.get(concurrency);
      const base = plain.get(concurrency);
      if (!cell || !base) continue;
      const ratios =
        name === 'plain MCP proxy'
          ? ''
          : `×${(cell.latency.p50 / base.latency.p50).toFixed(2)}  ×${(cell.latency.p95 / base.latency.p95).toFixed(2)}  ×${(cell.latency.p99 / base.latency.p99).toFixed(2)}  ×${(cell.perSecond / base.perSecond).toFixed(2)}`;
      lines.push(
        `${name.padEnd(24)} ${String(concurrency).padStart(3)} ${fmt(cell.latency.p50).padStart(10)} ${fmt(cell.latency.p95).padStart(10)} ${fmt(cell.latency.p99).padStart(10)} ${cell.perSecond.toFixed(0).padStart(8)}   ${ratios}${cell.errors ? `  (${cell.errors} errors)` : ''}`,
      );
    }
  }
  const inProcess = results.get('Switchboard in-process')!;
  const low = Math.min(...concurrencies);
  const overhead = inProcess.get(low)!.latency.p50 - plain.get(low)!.latency.p50;
  const latencyRatio = inProcess.get(low)!.latency.p50 / plain.get(low)!.latency.p50;
  const split = results.get('Switchboard split');
  const splitOverhead = split && split.get(low)!.latency.p50 - plain.get(low)!.latency.p50;
  const mid = concurrencies.includes(16) ? 16 : concurrencies[Math.floor(concurrencies.length / 2)]!;
  const throughputRatio = inProcess.get(mid)!.perSecond / plain.get(mid)!.perSecond;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  lines.push(
    '',
    'reads (MCP tools/call on the in-process shape, c=1)',
    ...Object.entries(figures.reads).map(([name, summary]) => `  ${name.padEnd(28)} p50 ${fmt(summary.p50)}  p99 ${fmt(summary.p99)}`),
    '',
    'targets (in-process shape, against the plain proxy measured above)',
    `  execute_action p50 at c=${low} ≤ 3× the plain proxy's: ×${latencyRatio.toFixed(2)}  ${verdict(latencyRatio <= 3)}`,
    `  durable overhead p50 at c=${low} ≤ 15 ms: ${fmt(overhead)}  ${verdict(overhead <= 15)}${splitOverhead === undefined ? '' : ` (split shape: ${fmt(splitOverhead)})`}`,
    `  throughput at c=${mid} ≥ 0.35× the plain proxy: ×${throughputRatio.toFixed(2)}  ${verdict(throughputRatio >= 0.35)}`,
    ...Object.entries(figures.countedStatements).map(
      ([name, perCall]) => `  database statements per execute_action ≤ 4 (${name}, every process): ${perCall.toFixed(2)}  ${verdict(perCall <= 4)}`,
    ),
    ...Object.entries(figures.reads).map(([name, summary]) => `  ${name} p50 ≤ 5 ms: ${fmt(summary.p50)}  ${verdict(summary.p50 <= 5)}`),
    `  RSS of the all-in-one process at rest ≤ 300 MB: ${figures.restRss.toFixed(0)} MB  ${verdict(figures.restRss <= 300)}`,
    `  RSS of the all-in-one process under c=${Math.max(...concurrencies)} ≤ 512 MB: ${figures.peakRss.toFixed(0)} MB  ${verdict(figures.peakRss <= 512)}`,
    `  (RSS with a 2,000-run backlog: the backlog scenario)`,
  );
  const rows = figures.phaseRows;
  lines.push('', `where one call's time goes (median of ${rows.length} traced calls at c=1, in-process; traced p50 ${fmt(figures.tracedP50)})`);
  PHASES.forEach(([name, meaning], index) => {
    const median = summarize(rows.map((row) => row[index]!)).p50;
    lines.push(`  ${name.padEnd(26)} ${fmt(median).padStart(9)}   ${meaning}`);
  });
  if (figures.cpu) {
    const { cpu } = figures;
    lines.push(
      '',
      `CPU of the all-in-one process at c=${cpu.concurrency} (inspector profile, ${cpu.calls} calls): ${(cpu.busyMs / cpu.calls).toFixed(1)} ms busy per call`,
      ...cpu.rows.map(([owner, share]) => `  ${(share * 100).toFixed(1).padStart(5)} %  ${owner}`),
    );
  }
  lines.push('', `database statements per call in the traced in-process run: median ${figures.medianStatements}; one traced call's (${figures.statements.length}):`, ...figures.statements.map((line) => `  ${line}`));
  console.log(lines.join('\n'));
}
