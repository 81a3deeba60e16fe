import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  Worker,
  type InjectedSinks,
  type NativeConnection,
  type State,
  type WorkerInterceptors,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities/index.js';
import { ActivityMetricsInterceptor } from './activityMetrics.js';
import { busyQueueOf, slowLaneOf } from '../workflows/contracts/runs.js';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  /** The workflow bundle (src/worker/bundle.ts; tests build one for the whole run), with tracing's workflow interceptors in it when tracing is on. */
  workflowBundle: WorkflowBundleOption;
  /** OpenTelemetry's interceptors and workflow span sink, when tracing is on. */
  tracing?: { interceptors: WorkerInterceptors; sinks: InjectedSinks<never> };
}

/** A stop's whole budget is about 5 s (Ctrl-C should feel immediate); draining takes the first 2. */
export const SHUTDOWN_GRACE_MS = 2_000;

/** The workers of one process, run and stopped together. */
export interface Workers {
  run(): Promise<void>;
  shutdown(): void;
  /** The main worker's state; the others follow it. */
  getState(): State;
}

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/** Every workflow bundle includes these (src/workflows/interceptors.ts: failed runs logged with their code). */
export const workflowInterceptorModules = [fileURLToPath(new URL('../workflows/interceptors.ts', import.meta.url))];

/**
 * Slow-lane attempts (and hand-offs) one worker process runs at once. Each waits on the network
 * with one pooled socket and a bounded body (memory per call in docs/fair-execution.md), so
 * hundreds cost little; beyond this, attempts wait in the slow task queue, and the accounts'
 * in-flight caps decide whose attempts are there.
 */
const SLOW_LANE_SLOTS = 1000;
/** Workflow-task and local-activity slots, and cached runs, of the main queue's worker and the busy queue's (docs/fair-execution.md). */
const MAIN_SLOTS = 128;
const BUSY_SLOTS = 32;
const BUSY_LOCAL_ACTIVITY_SLOTS = 8;

/**
 * Four workers share the process and its connection. The main one runs the workflows, their
 * local activities (every fast attempt) and the other activities, on the main task queue; the
 * busy one does the same for runs the front door started on the busy queue. The
 * slow-lane worker runs connector attempts that may take long, on the slow task queue, with slots
 * of their own, so they can never hold the workflow-task and local-activity slots fast calls
 * need. The hand-off worker polls a task queue only this process knows, where a fast attempt
 * that outran its budget is collected without being sent again (activities/lanes.ts).
 */
export async function createWorker(options: WorkerOptions): Promise<Workers> {
  const handoffTaskQueue = `${options.taskQueue}-handoff-${randomUUID()}`;
  const activities = createActivities({ ...options.dependencies, handoffTaskQueue });
  const interceptors = {
    // Its workflow modules are in the bundle already (workflowInterceptorModules and tracing's: src/worker/bundle.ts).
    ...withoutWorkflowModules(options.tracing?.interceptors),
    activity: [
      ...(options.tracing?.interceptors.activity ?? []),
      (ctx: { info: { activityType: string } }) => ({ inbound: new ActivityMetricsInterceptor(ctx.info.activityType) }),
    ],
  };
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    interceptors,
    // On Ctrl-C or SIGTERM, in-flight calls get SHUTDOWN_GRACE_MS to finish; then they are
    // cancelled (local ones through ActivityDependencies.workerStopping), and their runs retry them
    // on the next worker (a request that may not be sent twice is failed, not resent).
    shutdownGraceTime: SHUTDOWN_GRACE_MS,
    shutdownForceTime: '10 seconds',
  } as const;
  const runsWorkflows = {
    ...common,
    workflowBundle: options.workflowBundle,
    activities,
    ...(options.tracing ? { sinks: options.tracing.sinks } : {}),
  };
  const main = await Worker.create({
    ...runsWorkflows,
    taskQueue: options.taskQueue,
    // A run waiting for a throttle slot, its account's capacity or a retry holds no slot here:
    // it is a timer on the server. Workflow-task and local-activity slots are held by fast
    // attempts only, each within its budget (FAST_ATTEMPT_BUDGET_MS after the send) or the last
    // 1.2 s before a throttle slot, inside its workflow task; so they come in pairs. They spend
    // their time on the network, not the CPU, so many can run at once.
    maxConcurrentActivityTaskExecutions: 100,
    maxConcurrentLocalActivityExecutions: MAIN_SLOTS,
    maxConcurrentWorkflowTaskExecutions: MAIN_SLOTS,
    // Runs kept in memory between tasks (as many as may run at once; the SDK needs no more): a
    // woken run that is still cached needs no replay. Waiting runs beyond this are evicted and
    // replayed from their short history when their timer fires, so the cache, not the backlog,
    // bounds what waiting runs cost the worker's memory (figures in docs/fair-execution.md).
    maxCachedWorkflows: MAIN_SLOTS,
  });
  // The busy queue's runs (a tenant's burst, admitted there by the front door) get slots and a
  // cache of their own, so their backlog never waits in front of the main queue's tasks. Few:
  // a busy run's first task is mostly a capacity claim (a database transaction), and with 1,000
  // of them at once on 64 slots the worker's pooled connections and event loop went to the burst
  // (a bystander's fast attempt took 6 s under load 16–20); 8 local activities at once leave
  // most of the pool's 20 connections to everyone else.
  const busy = await Worker.create({
    ...runsWorkflows,
    taskQueue: busyQueueOf(options.taskQueue),
    maxConcurrentActivityTaskExecutions: 20,
    maxConcurrentLocalActivityExecutions: BUSY_LOCAL_ACTIVITY_SLOTS,
    maxConcurrentWorkflowTaskExecutions: BUSY_SLOTS,
    maxCachedWorkflows: BUSY_SLOTS,
  });
  // A storm puts hundreds of tasks on these queues at once: pollers scale with the backlog (the
  // server says when more are waiting) instead of ten taking them one round trip at a time.
  const slowLanePolling = { maxConcurrentActivityTaskExecutions: SLOW_LANE_SLOTS, activityTaskPollerBehavior: { type: 'autoscaling' } } as const;
  const slowLane = await Worker.create({
    ...common,
    ...slowLanePolling,
    taskQueue: slowLaneOf(options.taskQueue),
    activities: { attemptConnectorAction: activities.attemptConnectorAction },
  });
  const handoffs = await Worker.create({
    ...common,
    ...slowLanePolling,
    taskQueue: handoffTaskQueue,
    activities: { awaitHandedOffAttempt: activities.awaitHandedOffAttempt },
  });
  const all = [main, busy, slowLane, handoffs];
  return {
    async run() {
      // One stopping (a fatal error) stops the others, so the process never runs half a worker.
      await Promise.all(
        all.map((worker) =>
          worker.run().finally(() => {
            for (const other of all) if (other.getState() === 'RUNNING') other.shutdown();
          }),
        ),
      );
    },
    shutdown() {
      for (const worker of all) if (worker.getState() === 'RUNNING') worker.shutdown();
    },
    getState: () => main.getState(),
  };
}

function withoutWorkflowModules(interceptors: WorkerInterceptors | undefined): Omit<WorkerInterceptors, 'workflowModules'> {
  const { workflowModules: _inTheBundle, ...rest } = interceptors ?? {};
  return rest;
}
