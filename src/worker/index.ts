import { fileURLToPath } from 'node:url';
import { Worker, type ActivityInterceptorsFactory, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities/index.js';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  /** A prebuilt bundle (tests build one for the whole run); otherwise the worker bundles at start. */
  workflowBundle?: WorkflowBundleOption;
}

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Well inside the 10 s heartbeat timeout executeAction gives its activity. */
const HEARTBEAT_EVERY_MS = 2_000;

/**
 * Every running activity heartbeats, so when a worker dies (kill -9, OOM) the server notices
 * within the heartbeat timeout and retries its attempts on another worker, instead of waiting
 * out the 11-minute attempt timeout.
 */
const heartbeat: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const timer = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await next(input);
      } finally {
        clearInterval(timer);
      }
    },
  },
});

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(options.dependencies),
    interceptors: { activity: [heartbeat] },
    // Connector calls spend their time waiting on the network, not the CPU, so many can run at once.
    maxConcurrentActivityTaskExecutions: 200,
    maxConcurrentLocalActivityExecutions: 200,
    maxConcurrentWorkflowTaskExecutions: 100,
    maxCachedWorkflows: 2000,
  });
}
