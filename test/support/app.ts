import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { startSwitchboard, type RunningSwitchboard } from '../../src/app/start.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './database.js';
import { captureLogs, type CapturedLogs } from './logs.js';

export const TEST_API_KEY = 'sk_test_switchboard_bootstrap_key_0001';
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestApp extends RunningSwitchboard {
  apiUrl: string;
  apiKey: string;
  logs: CapturedLogs;
  testDatabase: TestDatabase;
  close(): Promise<void>;
}

let bundleCode: Promise<string> | undefined;

/** The captured logs of the test apps open in this process. */
const openAppLogs = new Set<CapturedLogs>();

/**
 * An app's log stream. The SDK allows one Temporal Runtime per process, and its lines go through
 * the logger of the first app the process started (src/temporal/runtime.ts), which may belong to
 * an earlier file's closed app (a test process runs file after file: isolate: false). So those
 * lines are handed to every app open now; the app's own lines stay its own.
 */
function appLogStream(own: CapturedLogs): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        for (const logs of line.includes('"component":"temporal-sdk"') ? openAppLogs : [own]) logs.lines.push(line);
      }
      done();
    },
  });
}

/**
 * The real app in this process: Koa on an ephemeral port, a worker on a task queue of its own,
 * the shared Temporal dev server from globalSetup and a database of its own (a copy of
 * globalSetup's migrated template: the app's own migration then finds nothing to do).
 */
export async function startTestApp(
  options: { database?: DatabaseKind; env?: Record<string, string>; spanProcessor?: SpanProcessor } = {},
): Promise<TestApp> {
  const testDatabase = await createTestDatabase(options.database ?? 'postgres', { template: inject('databaseTemplate') });
  const config = loadConfig({
    PORT: '0',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `test-${Math.random().toString(36).slice(2, 10)}`,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    BOOTSTRAP_API_KEY: TEST_API_KEY,
    EGRESS_ALLOW_HOSTS: '127.0.0.1,localhost',
    LOG_LEVEL: 'debug',
    ...testDatabase.env,
    ...options.env,
  });
  const logs = captureLogs();
  openAppLogs.add(logs);
  bundleCode ??= readFile(inject('workflowBundlePath'), 'utf8');
  const app = await startSwitchboard(config, {
    logger: createLogger(config.logLevel, appLogStream(logs)),
    workflowBundle: { code: await bundleCode },
    ...(options.spanProcessor ? { spanProcessor: options.spanProcessor } : {}),
  });
  return {
    ...app,
    apiUrl: app.apiUrl!,
    apiKey: TEST_API_KEY,
    logs,
    testDatabase,
    async close() {
      await app.stop();
      openAppLogs.delete(logs);
      await testDatabase.drop();
    },
  };
}
