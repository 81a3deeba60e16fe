import Router from '@koa/router';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Middleware } from 'koa';
import { mcpAuth, mcpUrlForms } from '../auth.js';
import { InvalidRequestError, NotFoundError } from '../../errors.js';
import { readJsonBody } from '../body.js';
import type { ApiDependencies } from '../context.js';
import { frontDoorRateLimit, jsonRpcMessages } from '../rateLimit.js';
import type { Tool as Revision2026Tool } from '@modelcontextprotocol/server';
import { revision2026Mcp } from './revision2026.js';
import { createMcpServer, describeTools } from './server.js';
import { clientSession, endClientSession, SessionNotFound } from './session.js';
import { answerFromStream } from './callerRequests.js';
import { listDigest, serveListChanges } from './listChanged.js';
import { resourceUpdates } from './resourceUpdates.js';
import type { ToolDefinition } from './tool.js';
import { toolsModeServing } from './toolsMode.js';
import { PostStreamEvents, resumeStream, STREAM_RETRY_MS } from './streamEvents.js';

/**
 * Streamable HTTP at /mcp/:serverId/:accessToken, /mcp/:serverId and /mcp (x-mcp-server-id).
 * Stateless: no session lives in this process, so any replica serves any request. Requests of
 * protocol revision 2026-07-28 go to the SDK v2 handler (revision2026.ts); 2025-era requests (2025-11-25,
 * 2025-06-18, …) to the v1 SDK server below, with capabilities kept under Mcp-Session-Id and POST
 * streams recorded so that a client may resume one on any replica (streamEvents.ts).
 */
/** The tools of an ordinary server, and those of a server flagged admin. */
export interface Toolsets {
  standard: readonly ToolDefinition[];
  admin: readonly ToolDefinition[];
}

function serving(tools: readonly ToolDefinition[]) {
  const described = describeTools(tools);
  return { tools, described, revision2026: revision2026Mcp(tools, described as Revision2026Tool[]), federate: undefined, remoteRows: [] };
}

export function mcpRoutes(deps: ApiDependencies, toolsets: Toolsets): Router {
  const served = { standard: serving(toolsets.standard), admin: serving(toolsets.admin) };
  const serve: Middleware = async (ctx) => {
    const body = ctx.method === 'POST' ? await readJsonBody(ctx) : undefined;
    const auth = { ...ctx.state.auth!, serverId: ctx.state.server!.id };
    const { prefetched } = ctx.state;
    const request = { deps, auth, server: ctx.state.server!, ...(prefetched ? { assignments: prefetched.assignments, connectorsVersion: prefetched.connectorsVersion } : {}) };
    const { tools, described, revision2026, federate, remoteRows } =
      ctx.state.server!.mode === 'tools' ? await toolsModeServing(request) : ctx.state.server!.admin ? served.admin : served.standard;
    if (!(await revision2026.isLegacy(ctx, body))) {
      await revision2026.serve(ctx, body, request);
      return;
    }
    if (ctx.method === 'DELETE') {
      // Answered in JSON-RPC's error format like every other /mcp refusal (src/api/errorHandler.ts).
      if (!ctx.get('mcp-session-id')) throw new InvalidRequestError('DELETE ends a session: send the Mcp-Session-Id of the session to end');
      if (!(await endClientSession(deps, ctx, auth))) throw new NotFoundError('Session not found: it ended or expired');
      ctx.body = '';
      return;
    }
    // A client's answers to requests a remote server made on a call's stream (callerRequests.ts): the stream may be on another replica.
    if (ctx.method === 'POST' && (await answerFromStream(deps.db, request, body))) {
      ctx.status = 202;
      ctx.body = '';
      return;
    }
    let client: Awaited<ReturnType<typeof clientSession>>;
    try {
      client = await clientSession(deps, ctx, body, auth);
    } catch (error) {
      if (!(error instanceof SessionNotFound)) throw error;
      ctx.status = 404;
      ctx.body = { jsonrpc: '2.0', error: { code: -32001, message: error.message }, id: null };
      return;
    }
    const streamOwner = { accountId: auth.accountId, userId: auth.userId, serverId: auth.serverId, sessionId: client?.sessionId ?? null };
    const lastEventId = ctx.method === 'GET' ? ctx.get('last-event-id') : '';
    if (lastEventId) {
      await resumeStream(ctx, deps.db, streamOwner, lastEventId);
      return;
    }
    if (ctx.method === 'GET' && client && ctx.state.server!.mode === 'tools') {
      // Assignments read afresh each time (not those authentication read once): a change of them is a list change.
      const { assignments: _once, connectorsVersion: _then, ...fresh } = request;
      let offered = remoteRows;
      const look = async () => {
        const now = await toolsModeServing(fresh);
        offered = now.remoteRows;
        return listDigest(now.described);
      };
      await serveListChanges(ctx, listDigest(described), look, client.sessionId ? resourceUpdates(deps, { ...auth, sessionId: client.sessionId }, () => offered) : undefined);
      return;
    }
    const server = createMcpServer(tools, described, { ...request, ...(client ? { client } : {}) });
    federate?.(server, client, body);
    // A POST's stream is resumable (streamEvents.ts): its calls go on when the client leaves, and their answers wait for its return.
    const events = ctx.method === 'POST' ? new PostStreamEvents(deps.db, deps.logger, streamOwner, body) : undefined;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      ...(events ? { eventStore: events, retryInterval: STREAM_RETRY_MS } : {}),
    });
    await server.connect(transport);
    ctx.respond = false;
    ctx.res.once('close', () => {
      void (events?.leftByClient(ctx.res.writableFinished, deps.stopping) ?? Promise.resolve()).then(() => server.close());
    });
    await transport.handleRequest(ctx.req, ctx.res, body);
  };
  const chain = [mcpAuth(deps), frontDoorRateLimit(deps, jsonRpcMessages), serve];
  const router = new Router();
  // Each URL form and its "/mcp" twin, for clients that insist the URL end in /mcp (the MCP
  // Inspector's CLI rewrites any other path to <origin>/mcp). "/mcp/:serverId/mcp" comes before
  // the access URL, which it would otherwise match with "mcp" as the token (tokens are mcp_…).
  for (const path of ['/mcp/:serverId/mcp', '/mcp/:serverId/:accessToken', '/mcp/:serverId', '/mcp', '/mcp/:serverId/:accessToken/mcp']) {
    router.post(path, ...chain).get(path, ...chain).delete(path, ...chain);
  }
  // Any other path under /mcp: say which URLs there are instead of a bare 404.
  router.all('/mcp/*rest', () => {
    throw new NotFoundError(`No MCP endpoint at this path. ${mcpUrlForms(deps.publicUrl)}`);
  });
  return router;
}
