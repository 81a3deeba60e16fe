import { fileURLToPath } from 'node:url';
import { Worker, type InjectedSinks, type NativeConnection, type WorkerInterceptors, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities/index.js';
import { ActivityMetricsInterceptor } from './activityMetrics.js';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  /** A prebuilt bundle (tests build one for the whole run); otherwise the worker bundles at start. */
  workflowBundle?: WorkflowBundleOption;
  /** OpenTelemetry's interceptors and workflow span sink, when tracing is on (the bundle must then be built here). */
  tracing?: { interceptors: WorkerInterceptors; sinks: InjectedSinks<never> };
}

/** A stop's whole budget is about 5 s (Ctrl-C should feel immediate); draining takes the first 2. */
export const SHUTDOWN_GRACE_MS = 2_000;

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/** Every workflow bundle includes these (src/workflows/interceptors.ts: failed runs logged with their code). */
export const workflowInterceptorModules = [fileURLToPath(new URL('../workflows/interceptors.ts', import.meta.url))];

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(options.dependencies),
    interceptors: {
      ...options.tracing?.interceptors,
      // Bundled with the workflows; a prebuilt bundle brings its own (bundleWorkflowCode's workflowInterceptorModules).
      ...(options.workflowBundle ? {} : { workflowModules: [...workflowInterceptorModules, ...(options.tracing?.interceptors.workflowModules ?? [])] }),
      activity: [
        ...(options.tracing?.interceptors.activity ?? []),
        (ctx) => ({ inbound: new ActivityMetricsInterceptor(ctx.info.activityType) }),
      ],
    },
    ...(options.tracing ? { sinks: options.tracing.sinks } : {}),
    // On Ctrl-C or SIGTERM, in-flight calls get SHUTDOWN_GRACE_MS to finish; then they are
    // cancelled (local ones through ActivityDependencies.workerStopping), and their runs retry them
    // on the next worker (a request that may not be sent twice is failed, not resent).
    shutdownGraceTime: SHUTDOWN_GRACE_MS,
    shutdownForceTime: '10 seconds',
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
    // bounds what waiting runs cost the worker's memory (figures in docs/performance.md).
    maxCachedWorkflows: 200,
  });
}
