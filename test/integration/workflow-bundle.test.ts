import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { cachedWorkflowBundle } from '../../src/worker/bundle.js';
import { captureLogs } from '../support/logs.js';

/**
 * The workflow bundle a start reuses (src/worker/bundle.ts): built when its sources changed, else
 * taken from the cache, and a worker runs what it holds. The workflows are a small family of
 * their own in a temporary folder, so one of their files can be edited between starts.
 */
describe('the kept workflow bundle', () => {
  let folder: string;
  let connection: NativeConnection;
  const logs = captureLogs();
  const logger = createLogger('info', logs.stream);
  const bundle = () => cachedWorkflowBundle({ cacheDir: join(folder, 'cache'), workflowsPath: join(folder, 'workflows.ts'), logger });
  const builds = () => logs.lines.filter((line) => line.includes('workflow bundle built and kept')).length;
  const greeting = (text: string) => writeFile(join(folder, 'greeting.ts'), `export const greeting = '${text}';\n`);

  async function greetWith(workflowBundle: WorkflowBundleOption): Promise<string> {
    const taskQueue = `bundle-${Math.random().toString(36).slice(2, 10)}`;
    const worker = await Worker.create({ connection, taskQueue, workflowBundle });
    const client = new Client({ connection });
    return worker.runUntil(client.workflow.execute('greet', { taskQueue, workflowId: `greet-${taskQueue}` }));
  }

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'switchboard-bundle-test-'));
    // The bundler resolves the SDK's own modules from the workflows' folder.
    await symlink(new URL('../../node_modules', import.meta.url).pathname, join(folder, 'node_modules'));
    await writeFile(join(folder, 'workflows.ts'), "import { greeting } from './greeting';\nexport async function greet(): Promise<string> {\n  return greeting;\n}\n");
    await greeting('one');
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  });

  afterAll(async () => {
    await connection?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('is built once, reused while its sources hash the same, and built again when one of them changes', async () => {
    const first = await bundle();
    expect(builds()).toBe(1);
    expect(await greetWith(first)).toBe('one');

    expect(await bundle()).toEqual(first);
    expect(builds()).toBe(1);

    // A file the workflow imports changes: the next start builds, and runs the change.
    await greeting('two');
    const rebuilt = await bundle();
    expect(builds()).toBe(2);
    expect(await greetWith(rebuilt)).toBe('two');
    expect(await bundle()).toEqual(rebuilt);
    expect(builds()).toBe(2);
  });
});
