import { randomUUID } from 'node:crypto';
import { InitializeRequestSchema, LoggingLevelSchema, type ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from 'koa';
import { getOwnSession, insertSession, type SessionOwner } from '../../db/repositories/mcpSessions.js';
import type { McpSessionRow } from '../../db/tables/mcpSessions.js';
import { sessionIdOf } from '../auth.js';
import type { ApiDependencies } from '../context.js';
import { capabilitiesToStore, protocolVersionToStore } from './sessionCapabilities.js';
import type { ToolContext } from './tool.js';

/**
 * Client capabilities across stateless requests. On initialize we record what the client declared
 * and hand out an Mcp-Session-Id; a later request that sends it back gets those capabilities from
 * the database, on any replica. The SDK's stateless transport does not validate the header, so a
 * client that ignores it keeps working, with no capabilities known (and so no elicitation).
 */
export async function clientSession(
  deps: ApiDependencies,
  ctx: Context,
  body: unknown,
  owner: SessionOwner,
): Promise<ToolContext['client']> {
  const initialize = InitializeRequestSchema.safeParse(body);
  if (initialize.success) {
    const sessionId = randomUUID();
    const capabilities = capabilitiesToStore(initialize.data.params.capabilities);
    const protocolVersion = protocolVersionToStore(initialize.data.params.protocolVersion);
    await insertSession(deps.db, owner, { sessionId, protocolVersion, capabilities });
    // Node merges this into the transport's writeHead.
    ctx.res.setHeader('mcp-session-id', sessionId);
    return { capabilities, protocolVersion, sessionId };
  }
  const sessionId = sessionIdOf(ctx);
  if (!sessionId) return undefined;
  const row = await ownSession(deps, ctx, owner, sessionId);
  if (!row) return undefined;
  const logLevel = LoggingLevelSchema.safeParse(row.log_level);
  return {
    capabilities: row.capabilities as ClientCapabilities,
    protocolVersion: row.protocol_version,
    sessionId,
    ...(logLevel.success ? { logLevel: logLevel.data } : {}),
  };
}

/** The session row authentication read with an access token, if it did; else read now. Another owner's is no session. */
async function ownSession(deps: ApiDependencies, ctx: Context, owner: SessionOwner, sessionId: string): Promise<McpSessionRow | undefined> {
  const prefetched = ctx.state.prefetched;
  if (!prefetched) return getOwnSession(deps.db, owner, sessionId);
  const row = prefetched.session;
  return row && row.account_id === owner.accountId && row.user_id === owner.userId && row.server_id === owner.serverId ? row : undefined;
}
