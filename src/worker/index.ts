import { fileURLToPath } from 'node:url';
import { Worker, type InjectedSinks, type NativeConnection, type WorkerInterceptors, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities/index.js';
import { ActivityMetricsInterceptor } from '../observability/activityMetrics.js';

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

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(options.dependencies),
    interceptors: {
      ...options.tracing?.interceptors,
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
    // Connector calls spend their time waiting on the network, not the CPU, so many can run at once.
    maxConcurrentActivityTaskExecutions: 200,
    maxConcurrentLocalActivityExecutions: 200,
    maxConcurrentWorkflowTaskExecutions: 100,
    maxCachedWorkflows: 2000,
  });
}
