import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { ensureTemporalCli } from '../../src/temporal/cli.js';
import { startDevServer, type RunningDevServer } from '../../src/temporal/devServer.js';

/**
 * The embedded dev server's Web UI has no authentication and shows every run's inputs, results
 * and errors: it must not be reachable from another machine. Connects to it over loopback and
 * over this machine's own non-loopback addresses.
 */
let dataDir: string;
let devServer: RunningDevServer;
let port: number;
let uiPort: number;

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

function reachable(host: string, target: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port: target, timeout: 2_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const externalAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((entry) => entry !== undefined && !entry.internal && !entry.address.startsWith('fe80'))
  .map((entry) => entry!.address);

beforeAll(async () => {
  const config = loadConfig();
  const cliPath = await ensureTemporalCli({ cliPath: config.temporal.cliPath, cacheDir: config.temporal.cliCacheDir });
  dataDir = await mkdtemp(join(tmpdir(), 'switchboard-temporal-ui-'));
  [port, uiPort] = [await freePort(), await freePort()];
  devServer = await startDevServer({ cliPath, dataDir, port, uiPort, namespace: 'default', logger: createLogger('silent') });
});
afterAll(async () => {
  await devServer?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('embedded Temporal dev server', () => {
  it('serves its UI and frontend on loopback', async () => {
    expect(devServer.uiUrl).toBe(`http://127.0.0.1:${uiPort}`);
    expect(await reachable('127.0.0.1', uiPort)).toBe(true);
    expect(await reachable('127.0.0.1', port)).toBe(true);
  });

  it.skipIf(externalAddresses.length === 0)('refuses connections on every other address of this machine', async () => {
    for (const address of externalAddresses) {
      expect(await reachable(address, uiPort), `UI on ${address}`).toBe(false);
      expect(await reachable(address, port), `frontend on ${address}`).toBe(false);
    }
  });
});
