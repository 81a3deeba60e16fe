/**
 * `npm run bench -- storm [--calls N] [--slow-ms MS]`: account A starts N (default 1,000)
 * concurrent execute_action calls to an upstream that answers after 20 s, through the MCP
 * endpoint of a separate API process, run by a separate worker process. Meanwhile two bystanders
 * (A's other server and account B) call a fast action on the same upstream host. Prints the
 * bystanders' p50/p99 quiet and during the storm, both processes' RSS quiet and at peak, and how
 * long the storm took to drain (every call answered), with the upstream's count of charges, and
 * the machine's load average meanwhile. `--fairness` starts the dev server with task-queue
 * fairness on (`matching.enableFairness`, in Server 1.29.1 already), so the runs' fairness keys
 * order each queue's backlog per account (docs/fair-execution.md#temporal-task-queue-fairness).
 */
import { availableParallelism, loadavg } from 'node:os';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../src/config.js';
import { ensureTemporalCli } from '../src/temporal/cli.js';
import { devServerDynamicConfig } from '../src/temporal/devServer.js';
import { allSearchAttributeKeys } from '../src/workflows/contracts/runs.js';
import { bystanderLatencies, memoryOf, percentile, rssMb, startStormRig, stormCall, stormCharges } from '../test/support/storm.js';
import { fmt } from './stats.js';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

const SAMPLES = 40;

export async function benchStorm(): Promise<void> {
  const calls = flag('--calls', 1000);
  const slowMs = flag('--slow-ms', 20_000);
  const fairness = process.argv.includes('--fairness') ? ['--dynamic-config-value', 'matching.enableFairness=true'] : [];
  const config = loadConfig();
  const cliPath = await ensureTemporalCli({ cliPath: config.temporal.cliPath, cacheDir: config.temporal.cliCacheDir, onProgress: console.error });
  const devServer = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: cliPath }, searchAttributes: allSearchAttributeKeys, ip: '127.0.0.1', extraArgs: [...devServerDynamicConfig, ...fairness] },
  });
  // --trace-warnings: a process warning (a listener leak, say) comes with the stack that caused it.
  const rig = await startStormRig({ temporalAddress: devServer.address, slowMs, env: { NODE_OPTIONS: '--trace-warnings' } });
  try {
    await bystanderLatencies(rig, 10, 'warm-up');
    // Failed bystander calls are counted and shown, not fatal: on a starved machine they are a figure too.
    const failures: string[] = [];
    const quiet = await bystanderLatencies(rig, SAMPLES, 'quiet', { failures });
    const rssQuiet = { worker: rssMb(rig.worker.child.pid!), api: rssMb(rig.apiProcess.child.pid!) };
    const rssPeak = { ...rssQuiet };
    // The worker's memory split (heap, outside it) quiet and at the largest RSS sampled, to say where a storm's memory goes.
    const workerMemory = { quiet: await memoryOf(rig.worker.url, rig.worker.child.pid!), peak: {} as Record<string, number> };
    const memorySampler = setInterval(() => {
      void memoryOf(rig.worker.url, rig.worker.child.pid!).then(
        (sample) => {
          if (!(sample.rss! <= (workerMemory.peak.rss ?? 0))) workerMemory.peak = sample;
        },
        () => undefined,
      );
    }, 2000);
    // The machine's 1-minute load average over the storm: figures from a shared machine mean little without it.
    const load = { quiet: loadavg()[0]!, min: loadavg()[0]!, max: loadavg()[0]! };
    const sampler = setInterval(() => {
      load.min = Math.min(load.min, loadavg()[0]!);
      load.max = Math.max(load.max, loadavg()[0]!);
      // NaN (an exited process) never wins.
      rssPeak.worker = Math.max(rssPeak.worker, rssMb(rig.worker.child.pid!) || 0);
      rssPeak.api = Math.max(rssPeak.api, rssMb(rig.apiProcess.child.pid!) || 0);
    }, 250);

    const started = performance.now();
    let answered = 0;
    let failed = 0;
    let lastFailure = '';
    const storm = Array.from({ length: calls }, (_, amount) =>
      stormCall(rig, amount).then(
        (result) => {
          answered++;
          if (result.isError) {
            failed++;
            lastFailure = JSON.stringify(result.content).slice(0, 300);
          }
        },
        (error: unknown) => {
          answered++;
          failed++;
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          lastFailure = `${String(error)}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
        },
      ),
    );
    // A few samples while the storm is being started (its MCP requests in the API, its runs
    // starting), then the figures that count: with the storm in flight, as many of its calls at
    // the upstream at once as its server's cap allows (SERVER_MAX_IN_FLIGHT's default, 200).
    const starting = await bystanderLatencies(rig, 5, 'starting', { failures });
    while (rig.fake.requests.filter((request) => request.path === '/charges').length < Math.min(calls, 200)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const reachedMs = performance.now() - started;
    const during = await bystanderLatencies(rig, SAMPLES, 'during', { failures });
    const measuredUntilMs = performance.now() - started;
    const inFlightAtEnd = calls - answered;
    await Promise.all(storm);
    const drainMs = performance.now() - started;
    clearInterval(sampler);
    clearInterval(memorySampler);

    const line = (label: string, samples: { otherServer: number[]; otherAccount: number[] }) =>
      (['otherServer', 'otherAccount'] as const)
        .map((who) => `${who === 'otherServer' ? "A's other server" : 'account B'} p50 ${fmt(percentile(samples[who], 0.5))} p99 ${fmt(percentile(samples[who], 0.99))}`)
        .join(' | ');
    console.log(`\nstorm: ${calls} concurrent execute_action calls from one server of account A, upstream answers after ${slowMs / 1000} s`);
    console.log(`  (separate API and worker processes; bystanders call a fast action on the same upstream host, ${SAMPLES} sequential samples each${fairness.length ? '; task-queue fairness on' : ''})`);
    console.log(`  load average (1 min) on this machine's ${availableParallelism()} CPUs: ${load.quiet.toFixed(1)} after the quiet samples, ${load.min.toFixed(1)}–${load.max.toFixed(1)} during the storm`);
    console.log(`  quiet:  ${line('quiet', quiet)}`);
    console.log(
      `  during: ${line('during', during)}  (measured ${(reachedMs / 1000).toFixed(1)}–${(measuredUntilMs / 1000).toFixed(1)} s into the storm, ${inFlightAtEnd} storm calls still open at the end)`,
    );
    for (const who of ['otherServer', 'otherAccount'] as const) {
      const q = percentile(quiet[who], 0.5);
      console.log(`    ${who}: p50 during ÷ quiet ×${(percentile(during[who], 0.5) / q).toFixed(2)} (target ≤ 1.5× quiet + 100 ms = ${fmt(q * 1.5 + 100)}); p99 ${fmt(percentile(during[who], 0.99))} (target < 1 s)`);
    }
    console.log(`  RSS: worker quiet ${rssQuiet.worker.toFixed(0)} MB, peak ${rssPeak.worker.toFixed(0)} MB (+${(rssPeak.worker - rssQuiet.worker).toFixed(0)}; target ≤ +150 MB) | API quiet ${rssQuiet.api.toFixed(0)} MB, peak ${rssPeak.api.toFixed(0)} MB`);
    const split = (sample: Record<string, number>) => Object.entries(sample).map(([key, mb]) => `${key} ${mb.toFixed(0)}`).join(', ');
    console.log(`  worker memory (MB) quiet: ${split(workerMemory.quiet)}; at its largest RSS sampled: ${split(workerMemory.peak)}`);
    console.log(`  the slowest bystander call in flight (${fmt(during.slowest.ms)}): ${await rig.whereTheTimeWent(during.slowest)}`);
    console.log(`  while the storm was being started: ${line('starting', starting)}; the slowest (${fmt(starting.slowest.ms)}): ${await rig.whereTheTimeWent(starting.slowest)}`);
    console.log(
      `  drain: all ${calls} answered in ${(drainMs / 1000).toFixed(1)} s (${failed} errors${failed ? `, e.g. ${lastFailure}` : ''}); ` +
        `upstream took ${stormCharges(rig)} distinct charges from ${rig.fake.requests.filter((request) => request.path === '/charges').length} requests`,
    );
    if (failures.length > 0) console.log(`  ${failures.length} bystander calls failed, e.g. ${failures[0]}`);
    for (const [role, spawned] of [['API', rig.apiProcess], ['worker', rig.worker]] as const) {
      const warnings = spawned.output().split('\n').filter((line) => /Warning|^\s+at /.test(line));
      if (warnings.length > 0) console.log(`  ${role} process warnings:\n${warnings.slice(0, 30).join('\n')}`);
    }
  } finally {
    await rig.close();
    await devServer.teardown();
  }
}
