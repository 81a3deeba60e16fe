import {
  CLIENT_CAPABILITIES_META_KEY,
  createMcpHandler,
  isLegacyRequest,
  LOG_LEVEL_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  inputRequired,
  Server,
  type LoggingLevel,
  type McpRequestContext,
  type Tool,
} from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from 'koa';
import { MAX_BODY_BYTES } from '../body.js';
import { callTool, INSTRUCTIONS, runReporter, SERVER_INFO } from './server.js';
import { attachTasksExtension, callAsTask, declaresTasks, isTaskHandle } from './tasksExtension.js';
import { SamplingInputRequired, UrlInputRequired, type ToolContext, type ToolDefinition } from './tool.js';
import { acceptInputResponses, CallerInputRequired, callerCapabilitiesOf, decodeRelayState, encodeRelayState, inputKeyOf, mrtrSurface } from './callerRequests.js';

/** The keys of our input requests: the user opening an authorization link, the client's model proposing a plan. */
const AUTHORIZE = 'authorize';
const SAMPLE = 'sample';

type RequestContext = Omit<ToolContext, 'signal' | 'peer' | 'client'>;

/**
 * Protocol revision 2026-07-28 through the official SDK v2 (`createMcpHandler`): stateless, no
 * initialize and no Mcp-Session-Id; protocol version, client capabilities and log level travel in
 * each request's `_meta`; `server/discover` answers what `initialize` used to. URL elicitation is
 * a multi-round-trip: input_required, then the client's retry with the user's answer starts the
 * run, which waits durably for the OAuth callback as on 2025-11-25. 2025-era requests
 * (isLegacy) keep their session-backed path in route.ts, which URL elicitation by push and tasks
 * need. The SDK answers the 2026-07-28 validation ladder (unsupported revision, header/body
 * mismatch, malformed envelope) itself.
 */
export function revision2026Mcp(tools: readonly ToolDefinition[], described: Tool[], extend?: (server: Server) => void) {
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const outputSchemas = new Map(described.map((tool) => [tool.name, tool.outputSchema]));
  // Shared by the per-request servers, so each output schema is compiled once, not per call.
  const jsonSchemaValidator = new AjvJsonSchemaValidator();

  const factory = ({ authInfo }: McpRequestContext): Server => {
    const context = authInfo?.extra?.switchboard as RequestContext;
    const server = new Server(SERVER_INFO, {
      capabilities: { tools: { listChanged: false }, logging: {} },
      instructions: INSTRUCTIONS,
      jsonSchemaValidator,
    });
    server.setRequestHandler('tools/list', () => ({ tools: described }));
    server.setRequestHandler('tools/call', async (request, ctx) => {
      // The SDK types the envelope as {}; its keys are the reserved _meta names.
      const envelope = (ctx.mcpReq.envelope ?? {}) as Record<string, unknown>;
      const logLevel = envelope[LOG_LEVEL_META_KEY] as LoggingLevel | undefined;
      const client: ToolContext['client'] = {
        capabilities: (envelope[CLIENT_CAPABILITIES_META_KEY] ?? {}) as ClientCapabilities,
        protocolVersion: String(envelope[PROTOCOL_VERSION_META_KEY]),
        ...(logLevel ? { logLevel } : {}),
      };
      const report = runReporter(logLevel, request.params._meta?.progressToken, (notification) => ctx.mcpReq.notify(notification));
      const answer = (ctx.mcpReq.inputResponses?.[AUTHORIZE] as { action?: string } | undefined)?.action;
      const sampled = textOfSampling(ctx.mcpReq.inputResponses?.[SAMPLE]);
      // The retry of a call whose run asked the caller: its answers go to the run, and the call waits for that run again.
      const resumeRun = decodeRelayState(context.deps.secretBox, context, ctx.mcpReq.requestState());
      if (resumeRun) await acceptInputResponses(context.deps.db, context, resumeRun, ctx.mcpReq.inputResponses);
      const callContext: ToolContext = {
        ...context,
        client,
        ...(callerCapabilitiesOf(client.capabilities) ? { callerRequests: mrtrSurface(context.deps.db, context.auth, (resumeRun?.round ?? 0) + 1) } : {}),
        ...(resumeRun ? { resumeRun } : ctx.mcpReq.inputResponses ? { inputResponses: ctx.mcpReq.inputResponses as Record<string, unknown> } : {}),
        signal: ctx.mcpReq.signal,
        urlElicitation: answer === 'accept' || answer === 'decline' || answer === 'cancel' ? { answer } : {},
        ...(client.capabilities.sampling ? { sampling: sampled === undefined ? {} : { answer: sampled } } : {}),
        ...(report ? { report } : {}),
      };
      const asTask = declaresTasks(client.capabilities) ? (tool: ToolDefinition, input: unknown) => callAsTask(tool, input, callContext) : undefined;
      try {
        const result = await callTool(byName, request.params, callContext, asTask);
        if (isTaskHandle(result)) return result;
        return server.projectCallToolResult(result, outputSchemas.get(request.params.name));
      } catch (error) {
        if (error instanceof CallerInputRequired) {
          const inputRequests = Object.fromEntries(error.requests.map((pending) => [inputKeyOf(pending), { method: pending.method, params: pending.params }]));
          return inputRequired({ inputRequests: inputRequests as never, requestState: encodeRelayState(context.deps.secretBox, context, error.state) });
        }
        if (error instanceof SamplingInputRequired) {
          return inputRequired({ inputRequests: { [SAMPLE]: inputRequired.createMessage(error.params as Parameters<typeof inputRequired.createMessage>[0]) } });
        }
        if (!(error instanceof UrlInputRequired)) throw error;
        return inputRequired({ inputRequests: { [AUTHORIZE]: inputRequired.elicitUrl(error.elicitation) } });
      }
    });
    attachTasksExtension(server, tools, context);
    extend?.(server);
    return server;
  };

  // 'reject': route.ts sends 2025-era traffic to its own path, so none may reach this handler.
  const handler = createMcpHandler(factory, { legacy: 'reject', maxRequestBodySize: MAX_BODY_BYTES });

  return {
    /** Whether this request is 2025-era traffic (the SDK's own routing decision). */
    isLegacy(ctx: Context, body: unknown): Promise<boolean> {
      return isLegacyRequest(webRequest(ctx), body, { maxRequestBodySize: MAX_BODY_BYTES });
    },
    async serve(ctx: Context, body: unknown, context: RequestContext): Promise<void> {
      const authInfo = { token: 'switchboard', clientId: context.auth.serverId, scopes: [], extra: { switchboard: context } };
      ctx.body = await handler.fetch(webRequest(ctx), { parsedBody: body, authInfo });
    },
    close: () => handler.close(),
  };
}

/** The text of a sampling/createMessage result (one content block or several); undefined when there is none. */
function textOfSampling(result: unknown): string | undefined {
  const content = (result as { content?: unknown } | undefined)?.content;
  const blocks = (Array.isArray(content) ? content : [content]) as Array<{ type?: string; text?: unknown } | undefined>;
  const texts = blocks.flatMap((block) => (block?.type === 'text' && typeof block.text === 'string' ? [block.text] : []));
  return texts.length > 0 ? texts.join('\n') : undefined;
}

/**
 * The Koa request's method, URL and headers as a web Request, without a body: readJsonBody already
 * read and parsed it, and the SDK, given parsedBody, reads nothing more (re-serializing it could
 * even overflow the stack on the deeply nested bodies JSON.parse accepts).
 */
function webRequest(ctx: Context): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Request(`http://${ctx.get('host') || 'localhost'}${ctx.url}`, { method: ctx.method, headers });
}
