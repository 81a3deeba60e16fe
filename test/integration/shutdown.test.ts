import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_ENCRYPTION_KEY } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnSwitchboard } from '../support/process.js';

/** Ctrl-C (SIGINT) or a process manager's SIGTERM: each worker stops once, then the connection closes, and nothing is logged as an error. */
describe('shutdown on a signal', () => {
  let database: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('postgres', { template: inject('databaseTemplate') });
    env = {
      ...database.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `shutdown-${Math.random().toString(36).slice(2, 10)}`,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    await database?.drop();
  });

  it.each([
    ['worker', 'SIGINT'],
    ['worker', 'SIGTERM'],
    ['api', 'SIGTERM'],
  ] as const)('%s on %s exits 0 with no error logs', async (role, signal) => {
    const process = await spawnSwitchboard(role, env);
    if (role === 'worker') {
      await expect.poll(() => process.output(), { timeout: 30_000 }).toMatch(/"state":"RUNNING"/);
    }
    await process.stop(signal);
    expect(process.child.exitCode, `${process.child.signalCode} ${process.output()}`).toBe(0);
    const output = process.output();
    expect(output).not.toMatch(/"level":(50|60)/);
    expect(output).not.toContain('IllegalStateError');
    if (role === 'worker') {
      // Each of the process's workers (main, slow lane, hand-offs, busy: src/worker/worker.ts) stops once.
      const stopped = output.split('\n').filter((line) => line.includes('"state":"STOPPED"'));
      const queues = stopped.map((line) => (JSON.parse(line) as { taskQueue: string }).taskQueue);
      expect(queues).toHaveLength(4);
      expect(new Set(queues).size).toBe(4);
    }
  });
});
