import { Client, type ClientInterceptors } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import proto from '@temporalio/proto';
import type { AdmissionSettings, Config } from '../config.js';
import { Admission } from './admission.js';

export interface TemporalHandle {
  /**
   * One NativeConnection serves both the client and an in-process worker: sharing it is what
   * lets the server hand a new workflow's first task straight back to us (eager start).
   */
  connection: NativeConnection;
  client: Client;
  namespace: string;
  taskQueue: string;
  /**
   * A worker on taskQueue runs in this process: a run started eagerly has its first task handed
   * straight back to it, which beats asking for the result with the start (startWithResult).
   */
  localWorker: boolean;
  /** Decides which task queue a run starts on (src/starters/admission.ts); without it, the main queue. */
  admission?: Admission;
}

export async function connectTemporal(
  address: string,
  config: Config['temporal'],
  options: { interceptors?: ClientInterceptors; localWorker?: boolean; admission?: AdmissionSettings } = {},
): Promise<TemporalHandle> {
  const connection = await NativeConnection.connect({ address });
  const client = new Client({ connection, namespace: config.namespace, ...(options.interceptors ? { interceptors: options.interceptors } : {}) });
  return {
    connection,
    client,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    localWorker: options.localWorker ?? false,
    ...(options.admission ? { admission: new Admission(options.admission, config.taskQueue) } : {}),
  };
}

/** Resolves when the Temporal server answers, for the readiness check; throws when it does not. */
export async function temporalAnswers(handle: TemporalHandle): Promise<true> {
  await handle.client.workflowService.getSystemInfo({});
  return true;
}

/** True when at least one worker polled our task queue recently: the server forgets pollers after a minute. */
export async function workerIsPolling(handle: TemporalHandle): Promise<boolean> {
  const response = await handle.client.workflowService.describeTaskQueue({
    namespace: handle.namespace,
    taskQueue: { name: handle.taskQueue, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return (response.pollers?.length ?? 0) > 0;
}
