import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { ensureTemporalCli } from '../../src/temporal/cli.js';
import { startDevServer, type RunningDevServer } from '../../src/temporal/devServer.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { paymentsConnector, until } from '../support/faults.js';
import { api, toolError } from '../support/mcp.js';

/**
 * kill -9 of the Temporal dev server with 100 runs in flight, then a new one on the same SQLite
 * file and port: every run completes and each payment is taken once. Its own server, not the
 * shared one from globalSetup, which the other test files are using.
 */
const RUNS = 100;

let dataDir: string;
let cliPath: string;
let port: number;
let uiPort: number;
let devServer: RunningDevServer;
let app: TestApp;
let fake: FakeSaas;

const quiet = createLogger('silent');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => resolve(free));
    });
  });
}

const startServer = () => startDevServer({ cliPath, dataDir, port, uiPort, namespace: 'default', logger: quiet });

beforeAll(async () => {
  const config = loadConfig();
  cliPath = await ensureTemporalCli({ cliPath: config.temporal.cliPath, cacheDir: config.temporal.cliCacheDir });
  dataDir = await mkdtemp(join(tmpdir(), 'switchboard-temporal-restart-'));
  [port, uiPort] = [await freePort(), await freePort()];
  devServer = await startServer();
  [app, fake] = await Promise.all([
    startTestApp({ env: { TEMPORAL_ADDRESS: devServer.address, RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'warn' } }),
    startFakeSaas(),
  ]);
});

afterAll(async () => {
  await app?.close();
  await fake?.close();
  await devServer?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the Temporal dev server dies mid-run', () => {
  it('a new server on the same SQLite file finishes 100/100 runs, each payment taken once', async () => {
    const rest = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      api(app.apiUrl, app.apiKey, method, path, body, headers);
    expect((await rest('POST', '/api/connectors', paymentsConnector(fake.url))).status).toBe(201);
    await rest('POST', '/api/credentials', { connectorId: 'acme-pay', authenticationType: 'bearer', fields: { token: fake.token } });
    const server = (await rest('POST', '/api/servers', { name: 'restart' })).body as { serverId: string; accessUrl: string };
    const { serverId } = server;
    fake.fail({ path: '/charges', delayMs: 2_500 });

    const started = Date.now();
    const accepted = await Promise.all(
      Array.from({ length: RUNS }, (_, amount) =>
        rest('POST', '/api/runs', { kind: 'action', serverId, connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount } }, { 'idempotency-key': `restart-${amount}` }),
      ),
    );
    expect(accepted.map((answer) => answer.status)).toEqual(Array(RUNS).fill(202));
    await until(() => fake.requests.length >= RUNS, 'every run to reach the upstream');

    process.kill(Number(await readFile(join(dataDir, 'temporal-dev-server.pid'), 'utf8')), 'SIGKILL');
    // While it is down the API says so in its error format, and nothing crashes.
    const during = await rest('GET', `/api/runs/${encodeURIComponent(accepted[0]!.body.runId as string)}`);
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('SERVICE_UNAVAILABLE');
    const tool = await fetch(server.accessUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'execute_action', arguments: { connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount: -1 } } },
      }),
    });
    const text = await tool.text();
    const answer = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? text) as { result: { isError: boolean } };
    expect(answer.result.isError).toBe(true);
    expect(toolError(answer.result)?.code).toBe('SERVICE_UNAVAILABLE');
    devServer = await startServer();

    const statuses = new Map<string, string>();
    await until(async () => {
      for (const { body } of accepted) {
        if (statuses.get(body.runId) === 'succeeded') continue;
        const run = await rest('GET', `/api/runs/${encodeURIComponent(body.runId as string)}`);
        statuses.set(body.runId, run.status === 200 ? (run.body.status as string) : `http ${run.status}`);
      }
      return [...statuses.values()].every((status) => status === 'succeeded' || status === 'failed');
    }, 'the runs to finish', 180_000);
    expect([...statuses.values()]).toEqual(Array(RUNS).fill('succeeded'));
    // The refused tool call started nothing, so it took no payment.
    expect(fake.charges).toHaveLength(RUNS);
    expect(new Set(fake.charges.map((charge) => charge.amount)).size).toBe(RUNS);
    console.log(
      `Temporal dev server kill -9 and restart: ${RUNS}/${RUNS} runs completed in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `upstream saw ${fake.requests.length} requests and took ${fake.charges.length} payments`,
    );
  });
});
