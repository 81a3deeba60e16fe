import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { Logger } from '../observability/logger.js';
import { allSearchAttributeKeys } from '../workflows/contracts/runs.js';

export interface DevServerOptions {
  cliPath: string;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  logger: Logger;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

const PID_FILE = 'temporal-dev-server.pid';

/**
 * Dynamic config that cuts latency on the dev server, measured on the 2-core machine
 * (docs/performance.md):
 * - history.transferProcessorMaxPollRPS: the history service moves new tasks (a workflow task
 *   of a run started without eager start, an activity, a signal's workflow task) to matching at
 *   most this often; the default of 20/s made every such dispatch wait ~50 ms (a start plus its
 *   result: 50 ms p50 at the default, 21 ms at 10,000).
 * - system.enableActivityEagerExecution: activities scheduled by a workflow task go straight back
 *   to the worker that completed it (one server dispatch fewer).
 */
export const devServerDynamicConfig = [
  '--dynamic-config-value',
  'history.transferProcessorMaxPollRPS=10000',
  '--dynamic-config-value',
  'system.enableActivityEagerExecution=true',
];

/** SQLite in WAL mode, which stays durable across a crash of the process, without a sync per commit. */
const sqlitePragmas = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

/**
 * Runs `temporal server start-dev` on a SQLite file under DATA_DIR, so a second `npm start`
 * finds the first one's workflow histories. A pid file lets the next start clean up a server
 * left behind by a process that was killed with SIGKILL and so could not stop its child.
 */
export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  await stopLeftoverServer(dataDir, options.logger);

  const args = [
    'server',
    'start-dev',
    '--db-filename',
    join(dataDir, 'temporal.sqlite'),
    // Loopback only, the Web UI included: it has no authentication and shows every run's
    // inputs, results and errors. Stated for the UI too, not left to default to --ip.
    '--ip',
    '127.0.0.1',
    '--ui-ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...devServerDynamicConfig,
    ...sqlitePragmas,
    ...allSearchAttributeKeys.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
  ];
  // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and the dev
  // server must outlive our worker's drain; stop() ends it last. A process that dies without
  // stopping it leaves it to the pid file below (and to the exit hook, for a crash).
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  await writeFile(join(dataDir, PID_FILE), String(child.pid));
  const recentOutput: string[] = [];
  const remember = (chunk: Buffer) => {
    recentOutput.push(...chunk.toString().split('\n').filter(Boolean));
    recentOutput.splice(0, Math.max(0, recentOutput.length - 20));
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);

  const address = `127.0.0.1:${options.port}`;
  try {
    await waitUntilServing(address, options.namespace, child, recentOutput);
  } catch (error) {
    process.off('exit', killOnExit);
    await stopChild(child);
    throw error;
  }
  return {
    address,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    async stop() {
      process.off('exit', killOnExit);
      await stopChild(child);
      await rm(join(dataDir, PID_FILE), { force: true });
    },
  };
}

async function waitUntilServing(address: string, namespace: string, child: ChildProcess, output: string[]) {
  const deadline = Date.now() + 30_000;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new Error(`Temporal dev server exited with code ${exited}:\n${output.join('\n')}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`Temporal dev server did not answer on ${address} within 30 s:\n${output.join('\n')}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(forceKill);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

async function stopLeftoverServer(dataDir: string, logger: Logger) {
  let pid: number;
  try {
    pid = Number(await readFile(join(dataDir, PID_FILE), 'utf8'));
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('start-dev')) return;
    logger.warn({ pid }, 'stopping a Temporal dev server left behind by an earlier run');
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && (await isAlive(pid)); i += 1) await sleep(100);
  } catch {
    // No such process: the pid file is stale, which is the normal case after a clean stop that crashed before rm.
  }
}

async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
