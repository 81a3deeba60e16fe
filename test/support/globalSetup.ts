import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config.js';
import { ensureTemporalCli } from '../../src/temporal/cli.js';
import { devServerDynamicConfig } from '../../src/temporal/devServer.js';
import { workflowInterceptorModules, workflowsPath } from '../../src/worker/worker.js';
import { allSearchAttributeKeys } from '../../src/workflows/contracts/runs.js';
import { createDatabaseTemplate } from './database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    /** A database migrated to the latest schema; each test file's database is a copy of it. */
    databaseTemplate: string;
  }
}

interface SharedRun {
  context: { temporalAddress: string; workflowBundlePath: string; databaseTemplate: string };
  projects: number;
  stop(): Promise<void>;
}

/**
 * Vitest runs a project's globalSetup once per project, and `npm test` runs three projects that
 * need these (integration, workflows, e2e): the first starts them, the others share them (the
 * setups run one after another in vitest's own process), and the last teardown stops them.
 */
const sharedRunKey = Symbol.for('switchboard.test.sharedRun');
const shared = globalThis as { [sharedRunKey]?: Promise<SharedRun> };

/**
 * Starts ONE Temporal dev server from the cached CLI for the whole run (never a downloaded one:
 * executable type `existing-path`), bundles the workflows once so each test file's worker starts
 * in milliseconds instead of re-running webpack, and migrates one template database that each
 * test file's database is copied from instead of migrating its own.
 */
export default async function setup(project: TestProject) {
  shared[sharedRunKey] ??= startSharedRun({ preciseTimers: !project.name.startsWith('faults') });
  const run = await shared[sharedRunKey];
  run.projects += 1;
  project.provide('temporalAddress', run.context.temporalAddress);
  project.provide('workflowBundlePath', run.context.workflowBundlePath);
  project.provide('databaseTemplate', run.context.databaseTemplate);
  return async () => {
    run.projects -= 1;
    if (run.projects > 0) return;
    delete shared[sharedRunKey];
    await run.stop();
  };
}

/**
 * The dev server fires a timer no sooner than `history.timerProcessorMaxTimeShift` (1 s) after it
 * was created, so every wait shorter than that (a throttle slot's timer, a 300 ms Retry-After)
 * lasted about a second. The tests' server lowers it to 100 ms, so a short wait takes its own
 * time; the waits' durations, as histories record them, stay the same. `npm start` keeps the
 * default, and so does the faults project, whose timing tests measure what production sees
 * (THROTTLE_TIMER_LEAD_MS is sized for the default).
 */
const preciseTimersConfig = ['--dynamic-config-value', 'history.timerProcessorMaxTimeShift="100ms"'];

async function startSharedRun(options: { preciseTimers: boolean }): Promise<SharedRun> {
  const config = loadConfig();
  const cliPath = await ensureTemporalCli({
    cliPath: config.temporal.cliPath,
    cacheDir: config.temporal.cliCacheDir,
    onProgress: (line) => console.error(line),
  });
  const [env, bundle, template] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: cliPath },
        searchAttributes: allSearchAttributeKeys,
        ip: '127.0.0.1',
        // The same tuning as `npm start`, minus the SQLite pragmas (this server keeps nothing on disk), plus precise timers.
        extraArgs: [...devServerDynamicConfig, ...(options.preciseTimers ? preciseTimersConfig : [])],
      },
    }),
    bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: quietLogger }),
    createDatabaseTemplate(),
  ]);
  const bundleDir = await mkdtemp(join(tmpdir(), 'switchboard-bundle-'));
  const workflowBundlePath = join(bundleDir, 'workflows.js');
  await writeFile(workflowBundlePath, bundle.code);
  return {
    context: { temporalAddress: env.address, workflowBundlePath, databaseTemplate: template.name },
    projects: 0,
    async stop() {
      await Promise.all([env.teardown(), template.drop(), rm(bundleDir, { recursive: true, force: true })]);
    },
  };
}

const ignore = () => undefined;
const quietLogger = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: console.error };
