import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type ClientCapabilities,
  ListToolsRequestSchema,
  LoggingLevelSchema,
  McpError,
  SetLevelRequestSchema,
  type LoggingLevel,
  type CallToolResult,
  type ServerNotification,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { ProtocolError } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../../errors.js';
import { invalidRequestFromZod, toSwitchboardError } from '../errorHandler.js';
import { setSessionLogLevel } from '../../db/repositories/mcpSessions.js';
import { createTask, registerTaskHandlers, taskCapabilities } from './tasks.js';
import { CallerInputRequired, callerCapabilitiesOf, streamSurface } from './callerRequests.js';
import { jsonSchemaOf, SamplingInputRequired, UrlInputRequired, type RunReporter, type ToolContext, type ToolDefinition } from './tool.js';

export const SERVER_INFO = { name: 'switchboard', version: '0.1.0' };

export const INSTRUCTIONS = [
  'Switchboard connects you to SaaS platforms (Slack, GitHub, HubSpot, …).',
  'Typical flow: list_connectors → get_connector_resources → get_action_details → execute_action.',
  'If execute_action fails with CREDENTIAL_NOT_FOUND, call get_credential_metadata and create_credential,',
  'then show the user the authorization URL. discover_action_path plans multi-step goals.',
].join(' ');

/** tools/list is the same for every request; compute the JSON Schemas once. */
export function describeTools(tools: readonly ToolDefinition[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchemaOf(tool.input, 'input') as Tool['inputSchema'],
    ...(tool.output ? { outputSchema: jsonSchemaOf(tool.output, 'output') as Tool['outputSchema'] } : {}),
    annotations: { title: tool.title, ...tool.annotations },
    ...(tool.task ? { execution: { taskSupport: 'optional' as const } } : {}),
  }));
}

/**
 * A tool error: isError with our `{error: {code, message, details}}` JSON as its text, and no
 * structuredContent. An outputSchema describes a tool's successful result; the SDK v1 client
 * (1.x, also inside MCP Inspector) validates any structuredContent against it, error or not, and
 * would throw -32602 instead of showing the error, while v2 and the spec skip error results.
 */
export function errorResult(error: SwitchboardError): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(error.toBody()) }] };
}

/**
 * One validator for every per-request server: left to itself, each would build its own Ajv
 * instance (a few hundred microseconds of CPU per request) and compile schemas afresh.
 */
const jsonSchemaValidator = new AjvJsonSchemaValidator();

/**
 * The SDK learns client capabilities only from initialize, which this per-request server never
 * sees; it takes them from the session row instead, so URL-elicitation notifications pass its check.
 */
class RequestServer extends Server {
  constructor(
    options: ConstructorParameters<typeof Server>[1],
    private readonly declared: ClientCapabilities | undefined,
  ) {
    super(SERVER_INFO, options);
  }

  protected override assertNotificationCapability(method: Parameters<Server['assertNotificationCapability']>[0]): void {
    if (method === 'notifications/elicitation/complete' && this.declared?.elicitation?.url) return;
    super.assertNotificationCapability(method);
  }
}

/**
 * A protocol server for one HTTP request. The transport is stateless, so any replica can answer
 * any request; everything a call needs comes from the request's auth and the database.
 */
export function createMcpServer(
  tools: readonly ToolDefinition[],
  described: Tool[],
  context: Omit<ToolContext, 'signal' | 'peer'>,
): Server {
  const server = new RequestServer(
    { capabilities: { tools: { listChanged: context.server.mode === 'tools' }, tasks: taskCapabilities, logging: {} }, instructions: INSTRUCTIONS, jsonSchemaValidator },
    context.client?.capabilities,
  );
  const byName = new Map(tools.map((tool) => [tool.name, tool]));

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: described }));

  // Replaces the SDK's handler, which keeps the level in this process: ours goes with the session
  // row, so later requests (on any replica) see it. Without a session there is nothing to keep it on.
  server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    if (context.client?.sessionId) await setSessionLogLevel(context.deps.db, context.auth, context.client.sessionId, request.params.level);
    return {};
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const report = runReporter(context.client?.logLevel, request.params._meta?.progressToken, (notification) =>
      extra.sendNotification(notification as ServerNotification),
    );
    // A remote server's requests go out on this call's stream; the answer comes back on a POST of its own, so only to a session's client.
    const callerRequests =
      context.client?.sessionId && callerCapabilitiesOf(context.client.capabilities)
        ? streamSurface(context.deps.db, context.auth, server.transport, extra.requestId)
        : undefined;
    const callContext: ToolContext = {
      ...context,
      signal: extra.signal,
      peer: { sendRequest: extra.sendRequest, sendNotification: extra.sendNotification },
      ...(report ? { report } : {}),
      ...(callerRequests ? { callerRequests } : {}),
    };
    const task = request.params.task;
    // A task-augmented call answers at once with the task; the SDK validates it as CreateTaskResult.
    const asTask = task ? (tool: ToolDefinition, input: unknown) => createTask(tool, input, callContext, task.ttl) as never : undefined;
    return callTool(byName, request.params, callContext, asTask);
  });

  registerTaskHandlers(server, tools, { ...context, signal: new AbortController().signal }, errorResult);
  return server;
}

/**
 * tools/call on either protocol revision: the tool's result, or its failure as an error result.
 * Protocol-level answers (McpError, the 2026-07-28 SDK's ProtocolError, UrlInputRequired, SamplingInputRequired, CallerInputRequired) pass through.
 */
export async function callTool(
  byName: ReadonlyMap<string, ToolDefinition>,
  params: { name: string; arguments?: Record<string, unknown> | undefined },
  context: ToolContext,
  asTask?: (tool: ToolDefinition, input: unknown) => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const tool = byName.get(params.name);
  if (!tool) {
    return errorResult(new SwitchboardError('NOT_FOUND', `Unknown tool "${params.name}"`, { tools: [...byName.keys()] }));
  }
  const args = params.arguments ?? {};
  const call = async (callContext: ToolContext): Promise<CallToolResult> => {
    const input = tool.input.safeParse(args);
    if (!input.success) throw invalidRequestFromZod(input.error, `Invalid arguments for ${tool.name}`);
    if (asTask && tool.task) return asTask(tool, input.data);
    const result = await tool.run(input.data, callContext);
    if (tool.present) return tool.present(result);
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
  };
  try {
    return await (tool.guard ? tool.guard(args, context, call) : call(context));
  } catch (error) {
    if (error instanceof McpError || error instanceof ProtocolError || error instanceof UrlInputRequired || error instanceof SamplingInputRequired || error instanceof CallerInputRequired) {
      throw error;
    }
    const failure = toSwitchboardError(error);
    if (failure.code === 'INTERNAL_ERROR') {
      // A caller that went away (its client disconnected, or this process is stopping) left the
      // call waiting on a connection that is closing: nobody to answer, and the run goes on.
      if (context.signal.aborted) context.deps.logger.info({ err: error, tool: tool.name }, 'tool call abandoned by its caller');
      else context.deps.logger.error({ err: error, tool: tool.name }, 'tool failed');
    }
    return errorResult(failure);
  }
}

/** What a call's client asked to hear while it runs: progress for its token, log messages from its level up. */
export function runReporter(
  threshold: LoggingLevel | undefined,
  progressToken: string | number | undefined,
  send: (notification: { method: string; params: Record<string, unknown> }) => Promise<void>,
): RunReporter | undefined {
  if (threshold === undefined && progressToken === undefined) return undefined;
  const rank = (level: LoggingLevel) => LoggingLevelSchema.options.indexOf(level);
  return {
    ...(progressToken !== undefined
      ? { progress: (progress: number, message: string) => send({ method: 'notifications/progress', params: { progressToken, progress, message } }) }
      : {}),
    ...(threshold !== undefined
      ? {
          log: async (level: LoggingLevel, data: Record<string, unknown>) => {
            if (rank(level) < rank(threshold)) return;
            await send({ method: 'notifications/message', params: { level, logger: 'switchboard', data } }).catch(() => undefined);
          },
        }
      : {}),
  };
}
