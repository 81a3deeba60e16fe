import Router from '@koa/router';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Middleware } from 'koa';
import { mcpAuth } from '../auth.js';
import { readJsonBody } from '../body.js';
import type { ApiDependencies } from '../context.js';
import { frontDoorRateLimit, jsonRpcMessages } from '../rateLimit.js';
import type { Tool as ModernTool } from '@modelcontextprotocol/server';
import { modernMcp } from './modern.js';
import { createMcpServer, describeTools } from './server.js';
import { clientSession } from './session.js';
import type { ToolDefinition } from './tool.js';

/**
 * Streamable HTTP at /mcp/:serverId/:accessToken, /mcp/:serverId and /mcp (x-mcp-server-id).
 * Stateless: no session lives in this process, so any replica serves any request. Requests of
 * protocol revision 2026-07-28 go to the SDK v2 handler (modern.ts); 2025-era requests (2025-11-25,
 * 2025-06-18, …) to the v1 SDK server below, with capabilities kept under Mcp-Session-Id.
 */
/** The tools of an ordinary server, and those of a server flagged admin. */
export interface Toolsets {
  standard: readonly ToolDefinition[];
  admin: readonly ToolDefinition[];
}

function serving(tools: readonly ToolDefinition[]) {
  const described = describeTools(tools);
  return { tools, described, modern: modernMcp(tools, described as ModernTool[]) };
}

export function mcpRoutes(deps: ApiDependencies, toolsets: Toolsets): Router {
  const served = { standard: serving(toolsets.standard), admin: serving(toolsets.admin) };
  const serve: Middleware = async (ctx) => {
    const body = ctx.method === 'POST' ? await readJsonBody(ctx) : undefined;
    const auth = { ...ctx.state.auth!, serverId: ctx.state.server!.id };
    const assignments = ctx.state.prefetched?.assignments;
    const request = { deps, auth, server: ctx.state.server!, ...(assignments ? { assignments } : {}) };
    const { tools, described, modern } = ctx.state.server!.admin ? served.admin : served.standard;
    if (!(await modern.isLegacy(ctx, body))) {
      await modern.serve(ctx, body, request);
      return;
    }
    const client = await clientSession(deps, ctx, body, auth);
    const server = createMcpServer(tools, described, { ...request, ...(client ? { client } : {}) });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    await server.connect(transport);
    ctx.respond = false;
    ctx.res.once('close', () => {
      void server.close();
    });
    await transport.handleRequest(ctx.req, ctx.res, body);
  };
  const chain = [mcpAuth(deps), frontDoorRateLimit(deps, jsonRpcMessages), serve];
  const router = new Router();
  // The last path serves clients that insist the URL end in /mcp and send no headers
  // (MCP Inspector 0.15's CLI rewrites any other path to <origin>/mcp): the access URL + "/mcp".
  for (const path of ['/mcp/:serverId/:accessToken', '/mcp/:serverId', '/mcp', '/mcp/:serverId/:accessToken/mcp']) {
    router.post(path, ...chain).get(path, ...chain).delete(path, ...chain);
  }
  return router;
}
