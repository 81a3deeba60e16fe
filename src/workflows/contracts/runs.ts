import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ActionResult, ExecuteActionInput } from './action.js';
import type { CredentialRefresherInput, HandshakeOutcome, OAuthHandshakeInput } from './credentials.js';
import type { ExecutePlanWorkflowInput, PlanProgress } from './plan.js';

/**
 * What every run is and carries, whatever it does: its workflow type and signature, the search
 * attributes and memo entries callers and operators read it by, and the task queues it runs on.
 */

/** Workflow type names, as the worker registers them (the exported function names in workflows/index.ts). */
export const workflowTypes = {
  executeAction: 'executeAction',
  executePlan: 'executePlan',
  oauthHandshake: 'oauthHandshake',
  credentialRefresher: 'credentialRefresher',
  retentionSweep: 'retentionSweep',
} as const;

/** Workflow signatures, so starters call workflows by type name with typed arguments and results. */
export type ExecuteActionWorkflow = (input: ExecuteActionInput) => Promise<ActionResult>;
export type ExecutePlanWorkflow = (input: ExecutePlanWorkflowInput) => Promise<PlanProgress>;
export type OAuthHandshakeWorkflow = (input: OAuthHandshakeInput) => Promise<HandshakeOutcome>;
export type CredentialRefresherWorkflow = (input: CredentialRefresherInput) => Promise<void>;
export type RetentionSweepWorkflow = () => Promise<void>;

/**
 * Largest workflow input (JSON, parameters included) we start a run with. Temporal warns above
 * 512 KiB per payload and refuses 2 MB; the memo repeats the parameters, so staying under the
 * warning keeps a start request far from the 4 MB gRPC message limit too.
 */
export const MAX_RUN_INPUT_BYTES = 500 * 1024;

/**
 * Search attributes every run carries, so operators can filter runs in the Temporal UI and with
 * `temporal workflow list --query`. Registered on the embedded dev server at start; on a real
 * cluster docs/operations.md gives the `temporal operator search-attribute create` command.
 */
export const searchAttributes = {
  accountId: defineSearchAttributeKey('accountId', SearchAttributeType.KEYWORD),
  serverId: defineSearchAttributeKey('serverId', SearchAttributeType.KEYWORD),
  userId: defineSearchAttributeKey('userId', SearchAttributeType.KEYWORD),
  connectorId: defineSearchAttributeKey('connectorId', SearchAttributeType.KEYWORD),
  actionId: defineSearchAttributeKey('actionId', SearchAttributeType.KEYWORD),
  runKind: defineSearchAttributeKey('runKind', SearchAttributeType.KEYWORD),
  outcome: defineSearchAttributeKey('outcome', SearchAttributeType.KEYWORD),
} as const;

export const allSearchAttributeKeys = Object.values(searchAttributes);

// Memo entries: what a caller polling a run (describe, no worker round trip) reads of what it is doing.

/** Memo key of a run while it waits for an approver's decision: an AwaitingApproval (tasks show it to their callers). */
export const awaitingApprovalMemo = 'awaitingApproval';

export interface AwaitingApproval {
  approvalId: string;
  policy: string;
}

/** Memo key of a connector call waiting to retry: a CallProgress. */
export const callProgressMemo = 'callProgress';

/**
 * What a connector call is doing, kept in its run's memo while it waits to retry, so a caller
 * polling the run can say "attempt 3/6 failed: 500 from inventory; retrying in 4 s". Absent until
 * an attempt fails.
 */
export interface CallProgress {
  /** The attempt that failed. */
  attempt: number;
  maxAttempts: number;
  /** Its reason, one line ("500 from inventory"). */
  reason: string;
  /** When the next attempt starts (ISO 8601). */
  retryAt: string;
}

/** Memo key of a run the front door started on the busy queue: { queue: 'busy', reason, waitedMs } (src/starters/admission.ts). */
export const admissionMemo = 'admission';

// Task queues

/**
 * The slow lane: connector attempts that may run long, as regular activities on a task queue of
 * their own, with worker slots of their own (docs/fair-execution.md). Named after the main queue,
 * so every deployment (and every test's queue) has its own.
 */
export function slowLaneOf(taskQueue: string): string {
  return `${mainQueueOf(taskQueue)}-slow`;
}

const BUSY_SUFFIX = '-busy';

/**
 * The busy queue: workflow tasks of runs the front door admitted as busy (an account or server
 * with many calls open, src/starters/admission.ts), polled by a worker of their own, so a burst
 * of one tenant's starts never queues ahead of other tenants' first workflow tasks on the main
 * queue (docs/fair-execution.md#admission).
 */
export function busyQueueOf(taskQueue: string): string {
  return `${taskQueue}${BUSY_SUFFIX}`;
}

/** The main queue a run's queue belongs to: a busy run shares the main queue's slow lane. */
function mainQueueOf(taskQueue: string): string {
  return taskQueue.endsWith(BUSY_SUFFIX) ? taskQueue.slice(0, -BUSY_SUFFIX.length) : taskQueue;
}

// retentionSweep

/** What one pruning activity of the retention sweep did. */
export interface PruneResult {
  deleted: number;
  /** A full batch went: there may be more to delete. */
  more: boolean;
}
