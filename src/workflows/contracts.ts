import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ErrorCode } from '../errors.js';
import type { Plan } from '../plans/schemas.js';

/**
 * Everything our workflows exchange with their callers and activities: workflow type names,
 * inputs, results, attempt outcomes, signals, updates, queries and search attributes. Workflows
 * import only this module, @temporalio/workflow and activity types; starters, activities and
 * backends import this, never a workflow file.
 */

/** Failures: their types are error codes, and which of them a retry cannot fix comes from errors.ts. */
export { errorCodes, nonRetryableCodes, type ErrorCode } from '../errors.js';
export { codedFailureIn, failureOf, toApplicationFailure } from './failures.js';
/** A plan's step references (`$ref`, `$ask`) are part of its input; the plan workflow resolves them as it replays. */
export { isAsk, isReference, resolveReference } from './planReferences.js';

/** Workflow type names, as the worker registers them (the exported function names in workflows/index.ts). */
export const workflowTypes = {
  executeAction: 'executeAction',
  executePlan: 'executePlan',
  oauthHandshake: 'oauthHandshake',
  credentialRefresher: 'credentialRefresher',
  retentionSweep: 'retentionSweep',
} as const;

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


/** Input of the executeAction workflow: ids and parameters only, never a secret. */
export interface ExecuteActionInput {
  accountId: string;
  userId: string;
  serverId: string;
  connectorId: string;
  actionId: string;
  parameters: Record<string, unknown>;
  credentialId?: string;
  /** Also return the unshaped body (arrays capped, size-bounded): plan steps resolve references from it. */
  includeRaw?: boolean;
  /** Wait (durably, up to timeoutSeconds) for the user to authorize credentialId before the call. */
  awaitCredential?: { credentialId: string; attemptId: string; timeoutSeconds: number };
  /** A call policy requires a person's approval of these exact arguments before the call (docs/approvals.md). */
  approval?: ApprovalRequirement;
  /** Call policies' rules for the result: redacted paths, and matches that block it. */
  resultRules?: CallResultRules;
  /** What the front door read for this call, so the first attempt re-reads only what may have changed. */
  prepared?: PreparedCall;
  /**
   * What the caller declared it answers, of what a remote MCP server may ask during the call
   * (sampling, elicitation, roots): the attempt declares these, and only these, to the server and
   * relays its requests through the run's requests (docs/tools-mode.md).
   */
  callerCapabilities?: CallerCapabilities;
  /** Answers the caller's first call carried (2026-07-28 inputResponses): given to a 2026-07-28 server's first round. */
  callerInputResponses?: Record<string, unknown>;
  /**
   * The MCP revision the caller of a remote MCP tool speaks: a remote server that speaks 2026-07-28
   * is reached on it only for a 2026-07-28 caller, so a 2025-era caller sees the server behave as it
   * would for that caller directly (in-stream requests, logging).
   */
  callerRevision?: string;
}

export interface CallerCapabilities {
  sampling?: Record<string, never>;
  elicitation?: { form?: Record<string, never>; url?: Record<string, never> };
  roots?: Record<string, never>;
}

/** Versions and ids the front door saw (never a secret); the attempt checks them in its opening statement. */
interface PreparedCall {
  /** The version of the account's settings row for the connector (0: no row, the defaults). */
  settingsVersion: number;
  /** The user's newest usable credential, when the call pinned none: used while it stays usable. */
  credentialId?: string;
}

// Approvals and result rules (docs/approvals.md)

export interface ApprovalRequirement {
  /** Chosen at the front door, so the caller can be sent to the approval page before the run records the request. */
  approvalId: string;
  /** sha256 of the canonical JSON of connector, action and parameters: a decision names it. */
  digest: string;
  policy: { id: string; version: number; name: string };
  timeoutSeconds: number;
}

export interface CallResultRules {
  redact: string[];
  /** A result is blocked when every matcher of one entry holds (matchers as src/policy/callPolicySchemas.ts defines them). */
  blockIf: Array<{ policy: string; matchers: Array<{ path: string }> }>;
}

/** An approver's decision, as the approvalDecision update carries it into the run's history. */
export interface ApprovalDecision {
  decision: 'approved' | 'denied';
  /** Must equal the request's digest: a decision never covers other arguments. */
  digest: string;
  decidedBy: string;
  decidedRole: string;
  reason?: string;
}

/** In a run's memo while it waits for a decision (tasks show it to their callers). */
export interface AwaitingApproval {
  approvalId: string;
  policy: string;
}

export const awaitingApprovalMemo = 'awaitingApproval';

/** Refused (validator) when the digest differs or the request is already decided; else answers the decision taken. */
export const approvalDecisionUpdate = defineUpdate<{ status: 'approved' | 'denied' }, [ApprovalDecision]>('approvalDecision');

export interface ActionResult {
  /** The upstream's HTTP status. */
  status: number;
  credentialId?: string;
  /** The shaped response body (see shaping.ts). */
  data: unknown;
  /** Present when the result was shaped or cut, saying how. */
  notes?: string[];
  /** With includeRaw: the parsed body before shaping. */
  raw?: unknown;
  /**
   * A remote MCP tool's whole CallToolResult (every content item, structuredContent, _meta),
   * scrubbed of secrets, when it fits MAX_TOOL_RESULT_BYTES: what a tools-mode server relays.
   */
  toolResult?: Record<string, unknown>;
  /** A WASM plugin's call: the version (and module hash) that ran. */
  plugin?: { version: number; sha256: string };
}

/**
 * Largest workflow input (JSON, parameters included) we start a run with. Temporal warns above
 * 512 KiB per payload and refuses 2 MB; the memo repeats the parameters, so staying under the
 * warning keeps a start request far from the 4 MB gRPC message limit too.
 */
export const MAX_RUN_INPUT_BYTES = 500 * 1024;
/** A remote MCP tool's whole result kept in its run's result (ActionResult.toolResult) at most. */
export const MAX_TOOL_RESULT_BYTES = 512 * 1024;

/**
 * Workflow timers fire up to about a second late (measured on the dev server: a 60 ms timer
 * fires after ~950 ms; the server processes timers at second granularity). So a run waits for a
 * throttle slot with a timer that fires THROTTLE_TIMER_LEAD_MS early, and its attempt waits out
 * the rest: a slot at most THROTTLE_FINAL_APPROACH_MS away is waited for inside the attempt.
 */
export const THROTTLE_TIMER_LEAD_MS = 1100;
export const THROTTLE_FINAL_APPROACH_MS = 1200;

/** A send slot reserved in the throttle ledger, on the database clock. */
export interface SlotReservation {
  slotMs: number;
  /** The key's ledger generation: a rate-limit change starts a new one and voids older slots. */
  generation: number;
}

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

/**
 * One attempt of a connector call: the attemptConnectorAction activity's input, whether it runs
 * as a local activity in the workflow task (the fast lane) or on the slow lane.
 */
export interface AttemptInput {
  action: ExecuteActionInput;
  /** 1 for the first send, counting retries (throttle waits are not attempts). */
  attempt: number;
  /** A slot an earlier call reserved and the workflow has waited for (minus the final approach). */
  slot?: SlotReservation;
  /** After a 401, refresh the OAuth token once and ask for an immediate retry. */
  refreshOn401: boolean;
  /** This attempt's claim on its account's in-flight capacity, taken if it leaves the fast lane. */
  leaseId: string;
}

/** The handed-off attempt the awaitHandedOffAttempt activity collects, on the worker that holds it. */
export interface HandoffInput {
  handoffId: string;
  connectorId: string;
}

/** A slow attempt's claim on its account's and server's in-flight capacity (ACCOUNT_MAX_IN_FLIGHT, SERVER_MAX_IN_FLIGHT). */
export interface CapacityClaim {
  leaseId: string;
  accountId: string;
  serverId: string;
  workflowId: string;
}

/** Granted, or queued with the reason, worded for the wait's summary: "queued: account acc_1 at its in-flight cap (200)". */
export type CapacityAnswer = { granted: true } | { granted: false; reason: string };

/** Sent to a run whose queued claim (the lease id) was granted: its slow attempt may start. */
export const capacityGrantedSignal = defineSignal<[string]>('capacityGranted');

export interface AttemptError {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/**
 * How one attempt ended. Recorded in history as the local activity's result (a marker) or the
 * slow-lane activity's result, so every attempt's status or error code and the wait it asks for
 * are visible to operators.
 */
export type AttemptOutcome =
  | { kind: 'succeeded'; result: ActionResult }
  /** Fast lane only: the attempt may run long, and nothing was sent; run it on the slow lane, with the capacity claimed for it. */
  | { kind: 'slow'; reason: string; capacity: CapacityAnswer }
  /**
   * Fast lane only: still in flight when its budget ran out. It goes on in the worker that sent
   * it, and the awaitHandedOffAttempt activity on that worker's own queue (taskQueue) collects it.
   */
  | { kind: 'handedOff'; taskQueue: string; handoffId: string; reason: string; /** The request may be sent again if that worker is lost. */ resendable: boolean }
  /** Nothing was sent: the slot is later than the final approach allows; wait for it in the workflow. */
  | { kind: 'throttled'; slot: SlotReservation; waitMs: number; reason: string }
  /** Worth another attempt; delayMs is the upstream's own hint (Retry-After, a reset header), if any. */
  | {
      kind: 'retry';
      error: AttemptError;
      reason: string;
      delayMs?: number;
      /** After a 401 the token was refreshed (once per call): retry at once, with this credential. */
      tokenRefreshed?: { credentialId?: string };
      /** Attempts in all this failure is worth, when fewer than the call's (a refused connection: two). */
      maxAttempts?: number;
    }
  | { kind: 'failed'; error: AttemptError };

/**
 * What a connector call is doing, kept in its run's memo while it waits to retry, so a caller
 * polling the run (describe, no worker round trip) can say "attempt 3/6 failed: 500 from
 * inventory; retrying in 4 s". Absent until an attempt fails.
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

export const callProgressMemo = 'callProgress';
/** Memo key of a run the front door started on the busy queue: { queue: 'busy', reason, waitedMs } (src/starters/admission.ts). */
export const admissionMemo = 'admission';

export type CredentialWait = NonNullable<ExecuteActionInput['awaitCredential']>;

/** Sent when the authorization a run waits for ends: the credential is active, or the user did not authorize. */
export interface CredentialSettled {
  status: 'active' | 'failed';
  reason?: string;
}

export const credentialSettledSignal = defineSignal<[CredentialSettled]>('credentialSettled');

/**
 * Answered with the run's result once it is ready (or failed as the run fails): a caller that
 * starts the run with it (update-with-start) has start and result in one request.
 */
export const actionResultUpdate = defineUpdate<ActionResult>('actionResult');

/** Sent to waiting runs of an (account, connector) when its rate limit changes: they reserve again. */
export const throttleChangedSignal = defineSignal('throttleChanged');

// executePlan

/** Input of the executePlan workflow: ids, the plan and the user's answers; never a secret. */
export interface ExecutePlanWorkflowInput {
  accountId: string;
  userId: string;
  serverId: string;
  plan: Plan;
  /** Values for the plan's $ask entries, keyed "<step>.<parameter>"; all present (checked before start). */
  inputs: Record<string, unknown>;
  credentialId?: string;
}

export interface StepError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export interface StepRecord {
  step: number;
  actionId: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** The shaped result, as execute_action would show it. */
  result?: unknown;
  error?: StepError;
  startedAt?: string;
  finishedAt?: string;
  compensation?: { actionId: string; status: 'succeeded' | 'failed'; result?: unknown; error?: StepError };
}

export interface PlanProgress {
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  connectorId: string;
  steps: StepRecord[];
  failedStep?: number;
}

export const planProgressQuery = defineQuery<PlanProgress>('planProgress');

/** The plan's outcome once it is known, as actionResultUpdate answers an action's. */
export const planResultUpdate = defineUpdate<PlanProgress>('planResult');

// oauthHandshake

/** Ids only: the verifier, state and code live sealed in the attempt's row. */
export interface OAuthHandshakeInput {
  attemptId: string;
  accountId: string;
  userId: string;
  connectorId: string;
  credentialId: string;
  /** How long the authorization link stays valid. */
  timeoutSeconds: number;
  /** An `oauth` remote MCP connector not yet registered: discover its authorization server and register first. */
  discoverClient?: boolean;
}

export interface AuthorizationLink {
  authorizationUrl: string;
  expiresAt: string;
}

/** What the callback route tells the run. A code is never in it: the route seals the callback into the attempt row. */
export interface CallbackNotice {
  error?: string;
  errorDescription?: string;
}

export interface HandshakeOutcome {
  attemptId: string;
  credentialId: string;
  status: 'completed' | 'failed' | 'expired';
  error?: string;
  errorDescription?: string;
}

export const authorizationLinkUpdate = defineUpdate<AuthorizationLink>('authorizationLink');
export const callbackSignal = defineSignal<[CallbackNotice]>('callback');

// credentialRefresher

export interface CredentialRefresherInput {
  credentialId: string;
  accountId: string;
  userId: string;
  connectorId: string;
}

export interface RefreshRequest {
  /** expiring: inside the margin before use; rejected: the upstream answered 401. */
  reason: 'expiring' | 'rejected';
  /** Fingerprint of the access token the caller holds: if it is no longer current, someone already refreshed. */
  seenTokenHash?: string;
}

export interface RefreshResult {
  status: 'active' | 'needs_reauth' | 'revoked' | 'missing';
  refreshed: boolean;
  expiresAt: string | null;
}

export interface RevokeResult {
  revokedAtProvider: boolean;
}

export const refreshUpdate = defineUpdate<RefreshResult, [RefreshRequest]>('refresh');
export const revokeUpdate = defineUpdate<RevokeResult>('revoke');
/** New tokens arrived by another way (a re-authorization): reschedule. */
export const tokensChangedSignal = defineSignal('tokensChanged');

// retentionSweep

export interface PruneResult {
  deleted: number;
  /** A full batch went: there may be more to delete. */
  more: boolean;
}

/** Workflow signatures, so starters call workflows by type name with typed arguments and results. */
export type ExecuteActionWorkflow = (input: ExecuteActionInput) => Promise<ActionResult>;
export type ExecutePlanWorkflow = (input: ExecutePlanWorkflowInput) => Promise<PlanProgress>;
export type OAuthHandshakeWorkflow = (input: OAuthHandshakeInput) => Promise<HandshakeOutcome>;
export type CredentialRefresherWorkflow = (input: CredentialRefresherInput) => Promise<void>;
export type RetentionSweepWorkflow = () => Promise<void>;
