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
import { allSearchAttributeKeys } from '../../src/workflows/contracts.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

/**
 * Starts ONE Temporal dev server from the cached CLI for the whole integration run
 * (never a downloaded one: executable type `existing-path`), and bundles the workflows once so
 * each test file's worker starts in milliseconds instead of re-running webpack.
 */
export default async function setup(project: TestProject) {
  const config = loadConfig();
  const cliPath = await ensureTemporalCli({
    cliPath: config.temporal.cliPath,
    cacheDir: config.temporal.cliCacheDir,
    onProgress: (line) => console.error(line),
  });
  const [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: cliPath },
        searchAttributes: allSearchAttributeKeys,
        ip: '127.0.0.1',
        // The same tuning as `npm start`, minus the SQLite pragmas (this server keeps nothing on disk).
        extraArgs: devServerDynamicConfig,
      },
    }),
    bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: quietLogger }),
  ]);
  const bundleDir = await mkdtemp(join(tmpdir(), 'switchboard-bundle-'));
  const workflowBundlePath = join(bundleDir, 'workflows.js');
  await writeFile(workflowBundlePath, bundle.code);

  project.provide('temporalAddress', env.address);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    await env.teardown();
    await rm(bundleDir, { recursive: true, force: true });
  };
}

const ignore = () => undefined;
const quietLogger = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: console.error };
