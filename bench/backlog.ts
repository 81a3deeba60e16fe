/**
 * `npm run bench -- backlog [--runs N]`: N runs (default 10,000) queued on a connector limited to
 * 2/s, started with the Temporal client as a backend would. Measures another connector's
 * execute_action latency before and during the backlog, the process's RSS (API, worker and fake
 * API share it here), and the drain rate once the limit is raised to 200/s.
 */
import type { RunningSwitchboard } from '../src/app/start.js';
import { actionWorkflowOptions } from '../src/starters/executeAction.js';
import { workflowTypes } from '../src/workflows/contracts/runs.js';
import type { FakeSaas } from '../test/support/fakeSaas.js';
import { paymentsConnector } from '../test/support/faults.js';
import { fmt, measure, summarize } from './stats.js';

const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function benchBacklog(options: {
  app: RunningSwitchboard;
  fake: FakeSaas;
  call: (method: string, path: string, body: unknown) => Promise<Record<string, string>>;
  /** One execute_action on the unthrottled bystander connector, through MCP. */
  bystander: (index: number) => Promise<void>;
  runs: number;
}): Promise<void> {
  const { app, fake, call, bystander, runs } = options;
  await call('POST', '/api/connectors', paymentsConnector(fake.url));
  await call('PUT', '/api/connectors/acme-pay/settings', { rateLimit: { requestsPerSecond: 2, burst: 1 } });
  await call('POST', '/api/credentials', { connectorId: 'acme-pay', authenticationType: 'bearer', fields: { token: fake.token } });
  const accountId = (await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;

  await measure(50, 1, bystander);
  const quiet = summarize((await measure(200, 1, bystander)).samples);
  const rssQuiet = rssMb();
  let rssPeak = rssQuiet;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb())), 500);
  try {
    const queuedAt = Date.now();
    let last = '';
    await measure(runs, 50, async (amount) => {
      const input = { accountId, userId: 'default', serverId: 'bench', connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount } };
      const started = actionWorkflowOptions(app.temporal, input);
      await app.temporal.client.workflow.start(workflowTypes.executeAction, started);
      last = started.workflowId;
    });
    const startedSeconds = (Date.now() - queuedAt) / 1000;
    await until(
      async () => ((await app.temporal.client.workflow.getHandle(last).fetchHistory()).events ?? []).some((event) => event.timerStartedEventAttributes),
      600_000,
      'the backlog to settle',
    );
    const settledSeconds = (Date.now() - queuedAt) / 1000;
    const during = summarize((await measure(200, 1, bystander)).samples);
    const rssDuring = rssMb();
    const sentBefore = fake.charges.length;

    const raisedAt = Date.now();
    await call('PUT', '/api/connectors/acme-pay/settings', { rateLimit: { requestsPerSecond: 200, burst: 20 } });
    await until(() => fake.charges.length >= runs, 1_800_000, 'the backlog to drain');
    const drainSeconds = (Date.now() - raisedAt) / 1000;
    const distinct = new Set(fake.charges.map((charge) => charge.amount)).size;

    console.log(`\nbacklog: ${runs} runs on a connector limited to 2/s (one process: API, worker and fake API)`);
    console.log(`  queued in ${startedSeconds.toFixed(1)} s (${(runs / startedSeconds).toFixed(0)} starts/s); all waiting on their throttle timer after ${settledSeconds.toFixed(1)} s`);
    console.log(`  other connector execute_action, c=1: quiet p50 ${fmt(quiet.p50)} p99 ${fmt(quiet.p99)} | during the backlog p50 ${fmt(during.p50)} p99 ${fmt(during.p99)} (p50 ${((during.p50 / quiet.p50 - 1) * 100).toFixed(0)} %; target within 20 %)`);
    console.log(`  RSS: quiet ${rssQuiet.toFixed(0)} MB, during ${rssDuring.toFixed(0)} MB, peak ${rssPeak.toFixed(0)} MB (target ≤ 512 MB)`);
    console.log(
      `  limit raised to 200/s: ${runs - sentBefore} waiting runs drained in ${drainSeconds.toFixed(1)} s (${((runs - sentBefore) / drainSeconds).toFixed(0)} runs/s); ` +
        `${fake.charges.length} charges, ${distinct} distinct (each run exactly once: ${distinct === runs && fake.charges.length === runs})`,
    );
  } finally {
    clearInterval(sampler);
  }
}
