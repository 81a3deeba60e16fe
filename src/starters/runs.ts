import { actingUser, mayActForAnyUser, type Role } from '../policy/roles.js';
import type { ReachesRemoteMcp } from '../remoteMcp/reachability.js';
import { serverGrant } from '../servers/scope.js';
import { createHash } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowExecutionDescription,
  type WorkflowExecutionInfo,
  type WorkflowHandle,
} from '@temporalio/client';
// The SDK's own decoder for raw visibility rows: list() hides the page token we hand out.
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers.js';
import type { Db } from '../db/connect.js';
import { getServer } from '../db/repositories/servers.js';
import { ConflictError, InvalidRequestError, NotFoundError } from '../errors.js';
import type { ListRunsQuery, RunStatus, RunSummary, StartRunInput } from '../runs/schemas.js';
import { prepareActionRun, preparePlanRun, type UseScope } from '../runs/prepare.js';
import { actionWorkflowOptions, admitCall, admittedOptions, errorFromWorkflowFailure } from './executeAction.js';
import { planWorkflowOptions } from './executePlan.js';
import { runTimeline } from './runTimeline.js';
import type { TemporalHandle } from './temporal.js';
import { admissionMemo, callProgressMemo, searchAttributes, workflowTypes } from '../workflows/contracts/runs.js';
import { planProgressQuery } from '../workflows/contracts/plan.js';

interface RunDeps {
  db: Db;
  temporal: TemporalHandle;
}

/** What starting a run needs besides: how the MCP door decides which `oauth` rows are remote servers, so a server grants the same here. */
interface StartRunDeps extends RunDeps {
  reachesRemote?: ReachesRemoteMcp;
}

/** Who is asking (the API's auth context fits). Operators and admins see every user's runs; a user its own. */
export interface RunCaller {
  accountId: string;
  userId: string;
  role: Role;
  credentialId?: string;
}

const WORKFLOW_TYPES = { action: workflowTypes.executeAction, plan: workflowTypes.executePlan } as const;

/** Run ids are the workflow id, made opaque and URL-safe (workflow ids contain slashes). */
function runIdOf(workflowId: string): string {
  return `run_${Buffer.from(workflowId).toString('base64url')}`;
}

function workflowIdOf(runId: string): string {
  if (!runId.startsWith('run_')) throw new NotFoundError('No such run', { runId });
  return Buffer.from(runId.slice(4), 'base64url').toString('utf8');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const STATUS: Record<string, RunStatus> = {
  RUNNING: 'running',
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'running',
};
const QUERY_STATUS: Record<RunStatus, string> = {
  running: 'Running',
  succeeded: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
};

function seesUser(auth: RunCaller, userId: string | undefined): boolean {
  return mayActForAnyUser(auth) || userId === auth.userId;
}

/** The run's scope: with a serverId, that server's grant applies exactly as on its MCP door; without, the run is labelled "api". */
async function scopeOf(deps: StartRunDeps, auth: RunCaller, input: StartRunInput): Promise<UseScope> {
  const owner = { accountId: auth.accountId, userId: auth.userId };
  if (!input.serverId) return { ...owner, role: auth.role, serverId: 'api' };
  const server = await getServer(deps.db, input.serverId);
  if (!server || server.account_id !== auth.accountId) throw new NotFoundError('Unknown server', { serverId: input.serverId });
  return { ...owner, role: auth.role, serverId: server.id, grant: await serverGrant(deps.db, owner, server, deps.reachesRemote) };
}

/**
 * POST /api/runs. With an Idempotency-Key the workflow id is derived from (account, user, key)
 * and started with USE_EXISTING / REJECT_DUPLICATE, so a retry finds the same run, running or
 * finished (for as long as Temporal retains it); the same key with another body is a CONFLICT.
 */
export async function startRun(deps: StartRunDeps, auth: RunCaller, input: StartRunInput, idempotencyKey?: string) {
  const scope = await scopeOf(deps, auth, input);
  const { serverId } = scope;
  const requestHash = sha256(JSON.stringify(input));
  const prefix = input.kind === 'action' ? 'execute-action' : 'execute-plan';
  const workflowId = idempotencyKey
    ? `${prefix}/${serverId}/idem-${sha256(`${auth.accountId}\n${auth.userId}\n${idempotencyKey}`).slice(0, 32)}`
    : undefined;

  const credentialId = input.credentialId ?? auth.credentialId;
  const pinned = credentialId ? { credentialId } : {};
  // Admitted before it is prepared: a busy account's starts read the database in turns too.
  const admitted = await admitCall(deps.temporal, scope);
  let options;
  let handle: WorkflowHandle;
  try {
    if (input.kind === 'action') {
      const { input: prepared } = await prepareActionRun(deps.db, scope, { ...input, ...pinned });
      options = actionWorkflowOptions(deps.temporal, prepared, workflowId);
    } else {
      const { input: prepared } = await preparePlanRun(deps.db, scope, { ...input, ...pinned });
      options = planWorkflowOptions(deps.temporal, prepared, workflowId);
    }
    try {
      handle = await deps.temporal.client.workflow.start(WORKFLOW_TYPES[input.kind], {
        ...admittedOptions({ ...options, memo: { ...options.memo, requestHash } }, admitted),
        ...(idempotencyKey ? { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE', requestEagerStart: false } : {}),
      });
    } catch (error) {
      if (!(idempotencyKey && error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      handle = deps.temporal.client.workflow.getHandle(options.workflowId);
    }
  } finally {
    admitted.done();
  }
  const description = await handle.describe();
  if (idempotencyKey && description.memo?.requestHash !== requestHash) {
    throw new ConflictError('This Idempotency-Key was used for a different request', { runId: runIdOf(options.workflowId) });
  }
  return { runId: runIdOf(options.workflowId), workflowId: options.workflowId, status: STATUS[description.status.name] ?? 'running' };
}

function summaryOf(info: Omit<WorkflowExecutionInfo, 'raw'>): RunSummary {
  const attributes = info.typedSearchAttributes;
  const optional = (key: keyof typeof searchAttributes) => {
    const value = attributes.get(searchAttributes[key]);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    runId: runIdOf(info.workflowId),
    workflowId: info.workflowId,
    kind: info.type === WORKFLOW_TYPES.plan ? 'plan' : 'action',
    status: STATUS[info.status.name] ?? 'running',
    ...optional('connectorId'),
    ...optional('actionId'),
    ...optional('serverId'),
    ...optional('userId'),
    startedAt: info.startTime.toISOString(),
    ...(info.closeTime ? { closedAt: info.closeTime.toISOString() } : {}),
  };
}

/** The run if the caller may see it; anything else (another account, a throttle, no run) is 404. */
async function visibleRun(deps: RunDeps, auth: RunCaller, runId: string): Promise<{ handle: WorkflowHandle; description: WorkflowExecutionDescription }> {
  const handle = deps.temporal.client.workflow.getHandle(workflowIdOf(runId));
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new NotFoundError('No such run', { runId });
    throw error;
  }
  const attributes = description.typedSearchAttributes;
  const isRun = description.type === WORKFLOW_TYPES.action || description.type === WORKFLOW_TYPES.plan;
  if (!isRun || attributes.get(searchAttributes.accountId) !== auth.accountId || !seesUser(auth, attributes.get(searchAttributes.userId))) {
    throw new NotFoundError('No such run', { runId });
  }
  return { handle, description };
}

/** GET /api/runs/:id: status, the input memo, a plan's steps, and the result or error once closed. */
export async function getRun(deps: RunDeps, auth: RunCaller, runId: string) {
  const { handle, description } = await visibleRun(deps, auth, runId);
  const summary = summaryOf(description);
  const { requestHash: _hash, [callProgressMemo]: _progress, [admissionMemo]: admission, ...input } = description.memo ?? {};
  const details: Record<string, unknown> = { ...summary, input, ...(admission ? { admission } : {}) };
  if (summary.status === 'succeeded') {
    const result = (await handle.result()) as Record<string, unknown>;
    if (summary.kind === 'plan') details.steps = result.steps;
    details.result = result;
  } else if (summary.status === 'failed') {
    const failure = errorFromWorkflowFailure(await handle.result().then(() => undefined, (error: unknown) => error));
    if (summary.kind === 'plan' && Array.isArray(failure.details.steps)) details.steps = failure.details.steps;
    details.error = failure.toBody().error;
  } else if (summary.kind === 'plan' && summary.status !== 'terminated') {
    // Running or cancelled: the workflow answers for itself (a worker replays it when closed).
    details.steps = (await handle.query(planProgressQuery)).steps;
  }
  details.timeline = await runTimeline(handle);
  return details;
}

/** POST /api/runs/:id/cancel: asks the run to stop; plans undo what defines a compensation. */
export async function cancelRun(deps: RunDeps, auth: RunCaller, runId: string) {
  const { handle, description } = await visibleRun(deps, auth, runId);
  const status = STATUS[description.status.name] ?? 'running';
  if (status !== 'running') throw new ConflictError(`The run has already ${status === 'succeeded' ? 'finished' : 'ended'}`, { runId, status });
  await handle.cancel();
  return { runId, workflowId: description.workflowId, status: 'cancelling' as const };
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** GET /api/runs: Temporal visibility, always scoped to the caller's account (and user). */
export async function listRuns(deps: RunDeps, auth: RunCaller, query: ListRunsQuery) {
  const userId = query.userId ? actingUser(auth, query.userId) : mayActForAnyUser(auth) ? undefined : auth.userId;
  const clauses = [
    `WorkflowType IN (${quote(WORKFLOW_TYPES.action)}, ${quote(WORKFLOW_TYPES.plan)})`,
    `${searchAttributes.accountId.name} = ${quote(auth.accountId)}`,
    ...(userId ? [`${searchAttributes.userId.name} = ${quote(userId)}`] : []),
    ...(query.connectorId ? [`${searchAttributes.connectorId.name} = ${quote(query.connectorId)}`] : []),
    ...(query.actionId ? [`${searchAttributes.actionId.name} = ${quote(query.actionId)}`] : []),
    ...(query.serverId ? [`${searchAttributes.serverId.name} = ${quote(query.serverId)}`] : []),
    ...(query.kind ? [`${searchAttributes.runKind.name} = ${quote(query.kind)}`] : []),
    ...(query.status ? [`ExecutionStatus = ${quote(QUERY_STATUS[query.status])}`] : []),
    ...(query.startedAfter ? [`StartTime >= ${quote(new Date(query.startedAfter).toISOString())}`] : []),
    ...(query.startedBefore ? [`StartTime < ${quote(new Date(query.startedBefore).toISOString())}`] : []),
  ];
  let nextPageToken: Uint8Array | undefined;
  try {
    nextPageToken = query.pageToken ? Buffer.from(query.pageToken, 'base64url') : undefined;
  } catch {
    throw new InvalidRequestError('pageToken is invalid');
  }
  const { client } = deps.temporal;
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: deps.temporal.namespace,
    query: clauses.join(' AND '),
    pageSize: query.pageSize,
    ...(nextPageToken ? { nextPageToken } : {}),
  });
  const runs = await Promise.all(
    (response.executions ?? []).map(async (raw) => summaryOf(await executionInfoFromRaw(raw, client.options.loadedDataConverter, raw, deps.temporal.namespace))),
  );
  const token = response.nextPageToken && response.nextPageToken.length > 0 ? Buffer.from(response.nextPageToken).toString('base64url') : undefined;
  return { runs, ...(token ? { nextPageToken: token } : {}) };
}
