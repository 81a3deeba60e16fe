import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/mcp.js';
import { logLines, npmStart, portsForInstall, printed, startSlowInventory } from '../support/npmStart.js';
import type { SpawnedSwitchboard } from '../support/process.js';

/**
 * Ctrl-C in the terminal running `npm start` while a call is in flight (its upstream answers in
 * 30 s): the process exits within 5 s, writes no warning, and the run completes after the
 * restart. The untimed version of this is test/integration/first-run.test.ts.
 */
describe('Ctrl-C with a call in flight', () => {
  let dataDir: string;
  let app: SpawnedSwitchboard | undefined;
  let inventory: Awaited<ReturnType<typeof startSlowInventory>>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-ctrl-c-'));
    inventory = await startSlowInventory();
  });
  afterAll(async () => {
    await app?.ctrlC();
    await inventory?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('exits within 5 s without a warning, and the call completes after the restart', async () => {
    const ports = await portsForInstall();
    const env = { EGRESS_ALLOW_HOSTS: '127.0.0.1' };
    app = await npmStart(dataDir, ports, env);
    const apiKey = printed(app.output()).apiKey!;
    const rest = (method: string, path: string, body?: unknown) => api(app!.url, apiKey, method, path, body);
    expect((await rest('POST', '/api/connectors/import', { document: inventory.document, id: 'inventory', baseUrl: inventory.url })).status).toBe(201);
    inventory.state.delayMs = 30_000;
    const run = await rest('POST', '/api/runs', { kind: 'action', connectorId: 'inventory', actionId: 'getWidget', parameters: { id: 'w1' } });
    expect(run.status).toBe(202);
    await expect.poll(() => inventory.state.requests, { timeout: 30_000 }).toBe(1);

    const pressed = performance.now();
    await app.ctrlC();
    const stopMs = performance.now() - pressed;
    expect(app.child.exitCode, app.output()).toBe(0);
    expect(stopMs).toBeLessThan(5_000);
    const loud = logLines(app.output()).filter((line) => (JSON.parse(line) as { level: number }).level >= 40);
    expect(loud).toEqual([]);
    console.log(`Ctrl-C with a call in flight: exited in ${(stopMs / 1000).toFixed(1)} s`);

    inventory.state.delayMs = 0;
    app = await npmStart(dataDir, ports, env);
    // Once a second: the API's rate limit (100 a minute) counts these too.
    await expect.poll(async () => (await rest('GET', `/api/runs/${run.body.runId}`)).body.status, { timeout: 90_000, interval: 1_000 }).toBe('succeeded');
    const finished = await rest('GET', `/api/runs/${run.body.runId}`);
    expect(finished.body.result, JSON.stringify(finished.body)).toMatchObject({ status: 200, data: { id: 'w1' } });
  });
});
