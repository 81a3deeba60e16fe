import { fileURLToPath } from 'node:url';
import { Worker, type InjectedSinks, type NativeConnection, type WorkerInterceptors, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities/index.js';
import { ActivityMetricsInterceptor } from '../observability/activityMetrics.js';

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

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle,
    activities: createActivities(options.dependencies),
    interceptors: {
      // Its workflow modules are in the bundle already.
      ...withoutWorkflowModules(options.tracing?.interceptors),
      activity: [
        ...(options.tracing?.interceptors.activity ?? []),
        (ctx) => ({ inbound: new ActivityMetricsInterceptor(ctx.info.activityType) }),
      ],
    },
    ...(options.tracing ? { sinks: options.tracing.sinks } : {}),
    // On SIGTERM, in-flight calls get 10 s to finish; then they are cancelled, and their runs
    // retry them on another worker (a request that may not be sent twice is refused, not resent).
    shutdownGraceTime: '10 seconds',
    shutdownForceTime: '20 seconds',
    // A run waiting for a throttle slot or a retry holds no slot here: it is a timer on the
    // server. Slots are held only by attempts, each one bounded piece of I/O (the send, or the
    // last 1.2 s before a throttle slot) inside its workflow task, which stays open meanwhile; so
    // workflow-task and local-activity slots come in pairs. They spend their time on the network,
    // not the CPU, so many can run at once; a backlog on one connector occupies about its rate
    // × 1.2 s of them (120 at 100/s).
    maxConcurrentActivityTaskExecutions: 100,
    maxConcurrentLocalActivityExecutions: 200,
    maxConcurrentWorkflowTaskExecutions: 200,
    // Runs kept in memory between tasks (as many as may run at once; the SDK needs no more): a
    // woken run that is still cached needs no replay. Waiting runs beyond this are evicted and
    // replayed from their short history when their timer fires, so the cache, not the backlog,
    // bounds what waiting runs cost the worker's memory (figures in README, Performance).
    maxCachedWorkflows: 200,
  });
}

function withoutWorkflowModules(interceptors: WorkerInterceptors | undefined): Omit<WorkerInterceptors, 'workflowModules'> {
  const { workflowModules: _inTheBundle, ...rest } = interceptors ?? {};
  return rest;
}
