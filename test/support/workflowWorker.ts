import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter, IllegalStateError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import { slowLaneOf } from '../../src/workflows/contracts/runs.js';

/**
 * Stand-ins for the activities a workflow under test calls. Typed by the real `Activities`, so a
 * change to an activity's input or result breaks the mock at compile time instead of drifting.
 */
type MockActivities = Partial<Activities>;

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
export const EventType = temporal.api.enums.v1.EventType;

export interface WorkflowTestEnvironment {
  client: Client;
  /**
   * Runs `body` while these mocks serve the worker's activities; `body` starts its runs on the
   * task queue it is given. Tests in a file run one at a time, so each test's mocks serve its own runs.
   */
  withActivities<T>(activities: MockActivities, body: (taskQueue: string) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Workflow-level tests: the real workflows from globalSetup's bundle on the shared Temporal dev
 * server, with mocked activities. The dev server has no time skipping (the time-skipping test
 * server is a separate binary that cannot be fetched here), so the tests pass short durations and
 * signals; its timers fire at second granularity, so each timer costs about a second.
 *
 * One worker per test file (creating one costs about a second), and one for its slow lane: both
 * register `activityNames`, each calling the current test's mock, or failing the attempt when the
 * test has none for it.
 */
export async function connectWorkflowTests(activityNames: ReadonlyArray<Extract<keyof Activities, string>>): Promise<WorkflowTestEnvironment> {
  installQuietRuntime();
  const address = inject('temporalAddress');
  const [connection, workerConnection, code] = await Promise.all([
    Connection.connect({ address }),
    NativeConnection.connect({ address }),
    readFile(inject('workflowBundlePath'), 'utf8'),
  ]);
  let mocks: MockActivities = {};
  const activities = Object.fromEntries(
    activityNames.map((name) => [
      name,
      async (...args: unknown[]) => {
        const mock = mocks[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
        if (!mock) throw ApplicationFailure.nonRetryable(`${name} is not mocked in this test`, 'TEST_SETUP');
        return mock(...args);
      },
    ]),
  );
  const taskQueue = `workflow-test-${randomUUID()}`;
  const worker = await Worker.create({ connection: workerConnection, taskQueue, workflowBundle: { code }, activities });
  // The same mocks serve the slow lane (and hand-offs a test points there), as the real worker's slow-lane worker would.
  const slowLane = await Worker.create({ connection: workerConnection, taskQueue: slowLaneOf(taskQueue), activities });
  const running = Promise.all([worker.run(), slowLane.run()]).then(() => undefined);
  const stopped = running.then(() => {
    throw new Error('The workflow test worker stopped');
  });
  stopped.catch(() => undefined);
  return {
    client: new Client({ connection }),
    async withActivities(current, body) {
      mocks = current;
      try {
        return await Promise.race([body(taskQueue), stopped]);
      } finally {
        mocks = {};
      }
    },
    async close() {
      worker.shutdown();
      slowLane.shutdown();
      await running;
      await Promise.all([connection.close(), workerConnection.close()]);
    },
  };
}

/**
 * Runs failing on purpose log a warning each; the assertions say what a failing test needs. The
 * SDK allows one Runtime per process, and a test process runs several files (isolate: false in
 * vitest.config.ts): the first file's install stands for the rest.
 */
function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  } catch (error) {
    if (!(error instanceof IllegalStateError)) throw error;
  }
}

/** A run's events; the latest run of the workflow id unless runId names an earlier one. */
export async function historyOf(handle: WorkflowHandle, runId?: string): Promise<HistoryEvent[]> {
  const run = runId ? handle.client.getHandle(handle.workflowId, runId) : handle;
  return (await run.fetchHistory()).events ?? [];
}

export function eventsOf(events: HistoryEvent[], type: temporal.api.enums.v1.EventType): HistoryEvent[] {
  return events.filter((event) => event.eventType === type);
}

/** The one-line summary a workflow gave a timer (shown in the Temporal UI). */
export function summaryOf(event: HistoryEvent): string | undefined {
  const payload = event.userMetadata?.summary;
  return payload ? defaultPayloadConverter.fromPayload<string>(payload) : undefined;
}

/** A timer's duration in milliseconds, as the workflow asked for it. */
export function timerMs(event: HistoryEvent): number {
  const timeout = event.timerStartedEventAttributes?.startToFireTimeout;
  return Number(timeout?.seconds ?? 0) * 1000 + Math.round((timeout?.nanos ?? 0) / 1e6);
}

/** For expect.poll: a run's next step can wait for a timer tick (about a second) on a busy machine. */
export const polling = { timeout: 15_000, interval: 100 };
