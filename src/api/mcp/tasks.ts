import { randomUUID } from 'node:crypto';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CancelTaskRequestSchema,
  ErrorCode,
  GetTaskPayloadRequestSchema,
  GetTaskRequestSchema,
  ListTasksRequestSchema,
  LoggingLevelSchema,
  McpError,
  RELATED_TASK_META_KEY,
  type CallToolResult,
  type CreateTaskResult,
  type Task,
} from '@modelcontextprotocol/sdk/types.js';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { errorFromWorkflowFailure, type ResultRun } from '../../starters/executeAction.js';
import { runHandle } from '../../starters/runHandle.js';
import { awaitingApprovalMemo, callProgressMemo, type AwaitingApproval, type CallProgress } from '../../workflows/contracts/runs.js';
import { approvalPageUrl } from './approvalWait.js';
import { getOwnTask, insertTask, listOwnTasks } from '../../db/repositories/mcpTasks.js';
import { listRunNotesAfter } from '../../db/repositories/runNotes.js';
import type { McpTaskRow, TaskInputRequest } from '../../db/tables/mcpTasks.js';
import type { ToolContext, ToolDefinition } from './tool.js';

/**
 * MCP tasks (protocol 2025-11-25) as our own adapter rather than the SDK's experimental task
 * store, because the spec is moving tasks into an extension. A task is a row naming a workflow
 * run and its owner; its state is the run's state in Temporal. Nothing lives in this process, so
 * any API replica, or one restarted mid-run, answers for any task.
 */
export const taskCapabilities = { list: {}, cancel: {}, requests: { tools: { call: {} } } };

const DEFAULT_TTL_MS = 24 * 3_600_000;
const MAX_TTL_MS = 7 * 24 * 3_600_000;
const POLL_INTERVAL_MS = 1_000;
/**
 * A remote MCP server asks its caller early in a call, and the caller waits for the question (a
 * 2026-07-28 client reads the input_required answer): a call that may ask looks for its run's
 * requests after 50 ms, then twice as long each time up to once a second (5 reads in the first 1.5 s).
 */
const FIRST_REQUEST_CHECK_MS = 50;
const PAGE_SIZE = 20;

type Owner = Pick<ToolContext['auth'], 'accountId' | 'userId'>;

function taskNotFound(): McpError {
  return new McpError(ErrorCode.InvalidParams, 'Task not found');
}

/** The row that makes a run a task of its caller's, on either revision; the input request is 2026-07-28's. */
export function recordTask(context: ToolContext, toolName: string, workflowId: string, ttlMs: number, inputRequest?: TaskInputRequest): Promise<McpTaskRow> {
  return insertTask(context.deps.db, {
    task_id: randomUUID(),
    account_id: context.auth.accountId,
    user_id: context.auth.userId,
    server_id: context.auth.serverId,
    workflow_id: workflowId,
    tool_name: toolName,
    ttl_ms: ttlMs,
    input_request: inputRequest ? JSON.stringify(inputRequest) : null,
  });
}

export async function createTask(
  tool: ToolDefinition,
  input: unknown,
  context: ToolContext,
  requestedTtl: number | null | undefined,
): Promise<CreateTaskResult> {
  if (!tool.task) throw new McpError(ErrorCode.MethodNotFound, `${tool.name} cannot run as a task`);
  const { workflowId } = await tool.task.start(input, context);
  const ttl = Math.min(MAX_TTL_MS, Math.max(60_000, requestedTtl ?? DEFAULT_TTL_MS));
  const row = await recordTask(context, tool.name, workflowId, ttl);
  const created = row.created_at.toISOString();
  return {
    task: { taskId: row.task_id, status: 'working', ttl, createdAt: created, lastUpdatedAt: created, pollInterval: POLL_INTERVAL_MS },
  };
}

/** "attempt 3/6 failed: 500 from inventory; retrying in 4 s", then "attempt 4/6 running; …" once it is due. */
function callProgressMessage(progress: CallProgress, now = Date.now()): string {
  const waitMs = Date.parse(progress.retryAt) - now;
  const failed = `attempt ${progress.attempt}/${progress.maxAttempts} failed: ${progress.reason}`;
  return waitMs > 0 ? `${failed}; retrying in ${Math.ceil(waitMs / 1000)} s` : `attempt ${progress.attempt + 1}/${progress.maxAttempts} running; ${failed}`;
}

function statusOf(description: WorkflowExecutionDescription, publicUrl: string): Pick<Task, 'status' | 'statusMessage'> {
  switch (description.status.name) {
    case 'RUNNING': {
      // Held for an approver (src/workflows/approval.ts): working, since only an approver can answer it, and where they decide.
      const approval = description.memo?.[awaitingApprovalMemo] as AwaitingApproval | undefined;
      if (approval) {
        return { status: 'working', statusMessage: `waiting for an approver (policy "${approval.policy}"): ${approvalPageUrl(publicUrl, approval.approvalId)}` };
      }
      // A connector call's attempts are local activities, which the description does not list:
      // the call keeps its progress in the memo (src/workflows/connectorCall.ts).
      const progress = description.memo?.[callProgressMemo] as CallProgress | undefined;
      if (progress) return { status: 'working', statusMessage: callProgressMessage(progress) };
      const pending = description.raw.pendingActivities?.[0];
      const failure = pending?.lastFailure?.message;
      return {
        status: 'working',
        ...(pending && (pending.attempt ?? 1) > 1
          ? { statusMessage: `attempt ${pending.attempt}${failure ? `; last failure: ${failure}` : ''}` }
          : {}),
      };
    }
    case 'COMPLETED':
      return { status: 'completed' };
    case 'CANCELLED':
      return { status: 'cancelled' };
    default:
      return { status: 'failed', statusMessage: `The run ended ${description.status.name.toLowerCase()}; tasks/result has the error` };
  }
}

function expired(row: McpTaskRow): boolean {
  return row.created_at.getTime() + Number(row.ttl_ms) < Date.now();
}

async function taskOf(context: ToolContext, row: McpTaskRow): Promise<Task> {
  const description = await runHandle(context.deps.temporal, row.workflow_id).describe();
  return {
    taskId: row.task_id,
    ...statusOf(description, context.deps.publicUrl),
    ttl: Number(row.ttl_ms),
    createdAt: row.created_at.toISOString(),
    lastUpdatedAt: (description.closeTime ?? description.startTime).toISOString(),
    pollInterval: POLL_INTERVAL_MS,
  };
}

async function ownTask(context: ToolContext, owner: Owner, taskId: string): Promise<McpTaskRow> {
  const row = await getOwnTask(context.deps.db, owner, taskId);
  if (!row || expired(row)) throw taskNotFound();
  return row;
}

/**
 * A plain tools/call waiting for its run's result (asked for with its start: startWithResult).
 * When the client asked to hear about it (a progressToken, or a level set with logging/setLevel),
 * the run is described once a second meanwhile: progress each time, a log message when what it is
 * doing changes (a retry, its last failure) and when it ends. What a remote MCP server reported
 * during the call (its progress and log notifications, noted by the worker's attempt in
 * run_notes) is passed on at each tick and once more at the end; what it asked the caller
 * (run_requests, when the run may ask: `asksCaller`) is surfaced at each tick (callerRequests.ts).
 */
export async function awaitRun<Result>(context: ToolContext, run: ResultRun<Result>, asksCaller = false): Promise<Result> {
  const report = context.report;
  const callerRequests = asksCaller ? context.callerRequests : undefined;
  if (!report && !callerRequests) return run.result;
  const { workflowId } = run;
  const handle = runHandle(context.deps.temporal, workflowId);
  const result = run.result.then(
    (value) => ({ done: true as const, value }),
    (error: unknown) => ({ done: true as const, error }),
  );
  // One counter for our ticks and the remote's notes: a token's progress only ever grows.
  let progressed = 0;
  let noted = context.resumeRun?.noted ?? 0;
  const passOnNotes = async () => {
    if (!report) return;
    for (const { seq, note } of await listRunNotesAfter(context.deps.db, workflowId, noted)) {
      noted = seq;
      if (note.kind === 'progress') {
        const of = note.total !== undefined ? `${note.progress}/${note.total}` : `${note.progress}`;
        await report.progress?.(++progressed, note.message ? `${note.message} (${of})` : of);
      } else {
        const level = LoggingLevelSchema.safeParse(note.level);
        await report.log?.(level.success ? level.data : 'info', { workflowId, ...(note.logger ? { logger: note.logger } : {}), data: note.data });
      }
    }
  };
  let said: string | undefined;
  let wait = callerRequests ? FIRST_REQUEST_CHECK_MS : POLL_INTERVAL_MS;
  let reportedAt = Date.now();
  for (let seconds = 0; ; ) {
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([result, new Promise<{ done: false }>((resolve) => (timer = setTimeout(() => resolve({ done: false }), wait)))]);
    clearTimeout(timer);
    wait = Math.min(POLL_INTERVAL_MS, wait * 2);
    await passOnNotes();
    if (!next.done) await callerRequests?.surface(workflowId, noted);
    if (next.done) {
      if ('error' in next) {
        const failure = errorFromWorkflowFailure(next.error);
        await report?.log?.('error', { workflowId, message: failure.message, code: failure.code });
        throw failure;
      }
      await report?.log?.('info', { workflowId, message: 'The run finished' });
      return next.value;
    }
    if (!report || Date.now() - reportedAt < POLL_INTERVAL_MS) continue;
    reportedAt = Date.now();
    seconds += 1;
    // The start travels with the request for the result: a run not created yet is starting.
    const description = await handle.describeIfStarted();
    const { statusMessage } = description ? statusOf(description, context.deps.publicUrl) : { statusMessage: 'starting' };
    await report?.progress?.(++progressed, statusMessage ?? `running (${seconds} s)`);
    // Once per change of what the run is doing, not per tick of the retry countdown.
    const doing = statusMessage?.replace(/; retrying in \d+ s$/, '');
    if (statusMessage && doing !== said) await report?.log?.('warning', { workflowId, message: statusMessage });
    said = doing;
  }
}

/** A task's CallToolResult from its run's result, on both wires. */
export function taskResult(tool: ToolDefinition, value: unknown, workflowId: string): CallToolResult {
  if (tool.task!.result) return tool.task!.result(value);
  const structured = tool.task!.present(value, workflowId);
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

/** tasks/get, tasks/result, tasks/list and tasks/cancel, scoped to the caller's account and user. */
export function registerTaskHandlers(
  server: Server,
  tools: readonly ToolDefinition[],
  context: ToolContext,
  errorResult: (error: ReturnType<typeof errorFromWorkflowFailure>) => CallToolResult,
): void {
  const owner: Owner = context.auth;
  const byName = new Map(tools.map((tool) => [tool.name, tool]));

  server.setRequestHandler(GetTaskRequestSchema, async (request) =>
    taskOf(context, await ownTask(context, owner, request.params.taskId)),
  );

  server.setRequestHandler(GetTaskPayloadRequestSchema, async (request): Promise<CallToolResult> => {
    const row = await ownTask(context, owner, request.params.taskId);
    const related = { _meta: { [RELATED_TASK_META_KEY]: { taskId: row.task_id } } };
    try {
      const result = taskResult(byName.get(row.tool_name)!, await runHandle(context.deps.temporal, row.workflow_id).result(), row.workflow_id);
      return { ...result, _meta: { ...result._meta, ...related._meta } };
    } catch (error) {
      return { ...errorResult(errorFromWorkflowFailure(error)), ...related };
    }
  });

  server.setRequestHandler(ListTasksRequestSchema, async (request) => {
    const after = request.params?.cursor ? await getOwnTask(context.deps.db, owner, request.params.cursor) : undefined;
    if (request.params?.cursor && !after) throw new McpError(ErrorCode.InvalidParams, 'Unknown cursor');
    const rows = (await listOwnTasks(context.deps.db, owner, { limit: PAGE_SIZE, ...(after ? { after } : {}) })).filter(
      (row) => !expired(row),
    );
    const tasks = await Promise.all(rows.map((row) => taskOf(context, row)));
    return { tasks, ...(rows.length === PAGE_SIZE ? { nextCursor: rows.at(-1)!.task_id } : {}) };
  });

  server.setRequestHandler(CancelTaskRequestSchema, async (request) => {
    const row = await ownTask(context, owner, request.params.taskId);
    const current = await taskOf(context, row);
    if (current.status !== 'working' && current.status !== 'input_required') {
      throw new McpError(ErrorCode.InvalidParams, `Task is already ${current.status}`);
    }
    await runHandle(context.deps.temporal, row.workflow_id).cancel();
    return { ...current, status: 'cancelled' as const, lastUpdatedAt: new Date().toISOString() };
  });
}
