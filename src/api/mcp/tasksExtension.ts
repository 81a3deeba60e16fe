import {
  CLIENT_CAPABILITIES_META_KEY,
  inputRequired,
  MissingRequiredClientCapabilityError,
  ProtocolError,
  ProtocolErrorCode,
  type Server,
} from '@modelcontextprotocol/server';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { z } from 'zod';
import { answerTaskInput, getOwnTask } from '../../db/repositories/mcpTasks.js';
import { getUserCredential } from '../../db/repositories/credentials.js';
import type { McpTaskRow, TaskInputRequest } from '../../db/tables/mcpTasks.js';
import { getApproval } from '../../db/repositories/callPolicies.js';
import { errorFromWorkflowFailure } from '../../starters/executeAction.js';
import { runHandle } from '../../starters/runHandle.js';
import { errorResult } from './server.js';
import { recordTask, taskResult } from './tasks.js';
import type { ToolContext, ToolDefinition } from './tool.js';

/**
 * The MCP Tasks extension (io.modelcontextprotocol/tasks, SEP-2663) on protocol revision
 * 2026-07-28, on the SDK v2 server's extension points (custom request handlers and
 * `extensions` capabilities), since the SDK has no server side for it. A task is a row naming a
 * workflow run and its owner, as on 2025-11-25 (tasks.ts); its state is the run's state in
 * Temporal, so any replica, or one restarted mid-run, answers for it.
 *
 * Server-directed creation: a client that declares the extension and calls a tool whose work is
 * one run gets the result inline when the run ends within TASK_AFTER_MS, and a task otherwise.
 * A run that waits for the user to authorize a credential is an input_required task whose input
 * request is the authorization link; tasks/update records the user's answer (decline cancels).
 */
const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** How long a call waits inline for its run before answering with a task instead. */
const TASK_AFTER_MS = 1_000;
const TTL_MS = 24 * 3_600_000;
const POLL_INTERVAL_MS = 1_000;

const taskIdParams = z.object({ taskId: z.string() }).passthrough();

type RequestContext = Omit<ToolContext, 'signal' | 'peer' | 'client'>;
type Owner = Pick<ToolContext['auth'], 'accountId' | 'userId'>;

export function declaresTasks(capabilities: object | undefined): boolean {
  const extensions = (capabilities as { extensions?: Record<string, unknown> } | undefined)?.extensions;
  return Boolean(extensions && typeof extensions === 'object' && TASKS_EXTENSION in extensions);
}

function taskNotFound(): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, 'Failed to retrieve task: Task not found');
}

function expired(row: McpTaskRow): boolean {
  return row.created_at.getTime() + Number(row.ttl_ms) < Date.now();
}

/**
 * tools/call for a declaring client: the run starts, and either ends within TASK_AFTER_MS (the
 * plain result) or is answered with a CreateTaskResult once its task row exists, so a tasks/get
 * for it resolves on any replica.
 */
export async function callAsTask(tool: ToolDefinition, input: unknown, context: ToolContext): Promise<CallToolResult> {
  const { workflowId, awaitsInput } = await tool.task!.start(input, { ...context, urlElicitation: { ...context.urlElicitation, asTaskInput: true } });
  const handle = runHandle(context.deps.temporal, workflowId);
  if (!awaitsInput) {
    const settled = await Promise.race([
      handle.result().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), TASK_AFTER_MS).unref()),
    ]);
    if (settled) return 'error' in settled ? errorResult(errorFromWorkflowFailure(settled.error)) : taskResult(tool, settled.value, workflowId);
  }
  const key = awaitsInput?.approvalId ? `approve-${awaitsInput.approvalId}` : `authorize-${awaitsInput?.credentialId}`;
  const row = await recordTask(context, tool.name, workflowId, TTL_MS, awaitsInput ? { key, ...awaitsInput } : undefined);
  const created = row.created_at.toISOString();
  const task = {
    resultType: 'task',
    taskId: row.task_id,
    status: awaitsInput ? 'input_required' : 'working',
    createdAt: created,
    lastUpdatedAt: created,
    ttlMs: TTL_MS,
    pollIntervalMs: POLL_INTERVAL_MS,
  };
  // The SDK passes a handler's own resultType through on tools/call (EXTENDED_RESULT_TYPE_METHODS).
  return task as unknown as CallToolResult;
}

/** A CreateTaskResult, which goes back as it is (it is no CallToolResult to project). */
export function isTaskHandle(result: CallToolResult): boolean {
  return (result as { resultType?: unknown }).resultType === 'task';
}

/** A result inlined in a task is the 2026-07-28 CallToolResult, with its own resultType. */
function inlined(result: CallToolResult): Record<string, unknown> {
  return { ...result, resultType: 'complete' };
}

/** The task as tasks/get shows it: status and, by status, its input requests or final result. */
async function detailedTask(context: RequestContext, tool: ToolDefinition | undefined, row: McpTaskRow): Promise<Record<string, unknown>> {
  const handle = runHandle(context.deps.temporal, row.workflow_id);
  const description = await handle.describe();
  const base = {
    taskId: row.task_id,
    createdAt: row.created_at.toISOString(),
    lastUpdatedAt: lastUpdate(row, description).toISOString(),
    ttlMs: Number(row.ttl_ms),
    pollIntervalMs: POLL_INTERVAL_MS,
  };
  switch (description.status.name) {
    case 'RUNNING':
      return { ...base, ...(await runningStatus(context, row)) };
    case 'COMPLETED':
      return { ...base, status: 'completed', result: inlined(taskResult(tool!, await handle.result(), row.workflow_id)) };
    case 'CANCELLED':
    case 'TERMINATED':
      return { ...base, status: 'cancelled', statusMessage: `The run was ${description.status.name.toLowerCase()}` };
    default: {
      // A coded failure of the run is the tool's error result (isError), which the extension
      // reports as completed: failed is for JSON-RPC errors only.
      const failure = await handle.result().then(
        () => undefined,
        (error: unknown) => errorFromWorkflowFailure(error),
      );
      const result = errorResult(failure ?? errorFromWorkflowFailure(new Error(`The run ended ${description.status.name.toLowerCase()}`)));
      return { ...base, status: 'completed', statusMessage: failure?.message, result: inlined(result) };
    }
  }
}

function lastUpdate(row: McpTaskRow, description: WorkflowExecutionDescription): Date {
  const times = [description.closeTime ?? description.startTime, row.input_answered_at].filter((time): time is Date => time instanceof Date);
  return new Date(Math.max(...times.map((time) => time.getTime())));
}

/** A running task waits for its client only while the credential it was created for is still pending. */
async function runningStatus(context: RequestContext, row: McpTaskRow): Promise<Record<string, unknown>> {
  const request = row.input_request;
  if (request?.approvalId) return approvalStatus(context, row, request);
  if (request?.credentialId && !row.input_answered_at) {
    const credential = await getUserCredential(context.deps.db, { accountId: row.account_id, userId: row.user_id }, request.credentialId);
    if (credential?.status === 'pending') {
      return {
        status: 'input_required',
        statusMessage: 'Waiting for the user to authorize at the link',
        inputRequests: { [request.key]: inputRequired.elicitUrl({ url: request.url, message: request.message }) },
      };
    }
  }
  if (request && row.input_answered_at) return { status: 'working', statusMessage: 'Waiting for the authorization to complete' };
  return { status: 'working' };
}

/**
 * A run held for an approver: input_required, with the approval page as a URL input request,
 * while the request is pending (however often the client answers it: only an approver decides).
 */
async function approvalStatus(context: RequestContext, row: McpTaskRow, request: TaskInputRequest): Promise<Record<string, unknown>> {
  const approval = await getApproval(context.deps.db, row.account_id, request.approvalId!);
  if (approval && approval.status !== 'pending') return { status: 'working', statusMessage: `The call was ${approval.status}` };
  return {
    status: 'input_required',
    statusMessage: 'Waiting for an approver to decide at the link',
    inputRequests: { [request.key]: inputRequired.elicitUrl({ url: request.url, message: request.message }) },
  };
}

/** Registers tasks/get, tasks/update and tasks/cancel on a 2026-07-28 server and declares the extension. */
export function attachTasksExtension(server: Server, tools: readonly ToolDefinition[], context: RequestContext): void {
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const owner: Owner = context.auth;

  /** Every task method needs the declaration on its own request (no session carries it). */
  const ownTask = async (taskId: string, envelopeCapabilities: object | undefined): Promise<McpTaskRow> => {
    if (!declaresTasks(envelopeCapabilities)) {
      throw new MissingRequiredClientCapabilityError({ requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } } as never, 'Missing required client capability');
    }
    const row = await getOwnTask(context.deps.db, owner, taskId);
    if (!row || expired(row)) throw taskNotFound();
    return row;
  };

  server.setRequestHandler('tasks/get', { params: taskIdParams }, async (params, ctx) => {
    const row = await ownTask(params.taskId, clientCapabilitiesOf(ctx));
    return detailedTask(context, byName.get(row.tool_name), row);
  });

  server.setRequestHandler('tasks/update', { params: taskIdParams }, async (params, ctx) => {
    const row = await ownTask(params.taskId, clientCapabilitiesOf(ctx));
    const request = row.input_request;
    // The SDK lifts inputResponses off the params, as on any multi-round-trip retry.
    const responses = (ctx.mcpReq.inputResponses ?? {}) as Record<string, { action?: string } | undefined>;
    const answer = request ? responses[request.key]?.action : undefined;
    // Keys not outstanding are ignored, as the extension asks.
    if (answer && (await answerTaskInput(context.deps.db, row.task_id)) && answer !== 'accept') {
      await runHandle(context.deps.temporal, row.workflow_id).cancel();
    }
    return {};
  });

  server.setRequestHandler('tasks/cancel', { params: taskIdParams }, async (params, ctx) => {
    const row = await ownTask(params.taskId, clientCapabilitiesOf(ctx));
    const handle = runHandle(context.deps.temporal, row.workflow_id);
    // Cooperative and idempotent: a run that already ended keeps its outcome.
    if ((await handle.describe()).status.name === 'RUNNING') await handle.cancel();
    return {};
  });

  server.registerCapabilities({ extensions: { [TASKS_EXTENSION]: {} } } as never);
}

function clientCapabilitiesOf(ctx: { mcpReq: { envelope?: unknown } }): object | undefined {
  const envelope = (ctx.mcpReq.envelope ?? {}) as Record<string, unknown>;
  return envelope[CLIENT_CAPABILITIES_META_KEY] as object | undefined;
}
