import { randomUUID } from 'node:crypto';
import { InitializeRequestSchema, LoggingLevelSchema, type ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from 'koa';
import { deleteOwnSession, getOwnSession, insertSession, type SessionOwner } from '../../db/repositories/mcpSessions.js';
import type { McpSessionRow } from '../../db/tables/mcpSessions.js';
import type { ApiDependencies } from '../context.js';
import { capabilitiesToStore, protocolVersionToStore } from './sessionCapabilities.js';
import type { ToolContext } from './tool.js';

export class SessionNotFound extends Error {
  constructor() {
    super('Session not found: initialize again');
  }
}

/** DELETE with Mcp-Session-Id: ends the caller's session; false when it has none by that id. */
export async function endClientSession(deps: ApiDependencies, ctx: Context, owner: SessionOwner): Promise<boolean> {
  const sessionId = ctx.get('mcp-session-id');
  return sessionId.length <= 64 && (await deleteOwnSession(deps.db, owner, sessionId));
}

/**
 * Client capabilities across stateless requests. On initialize we record what the client declared
 * and hand out an Mcp-Session-Id; a later request that sends it back gets those capabilities from
 * the database, on any replica. The SDK's stateless transport does not validate the header, so a
 * client that ignores it keeps working, with no capabilities known (and so no elicitation). One
 * that names a session we don't have (ended by its DELETE, or expired) gets 404, which tells a
 * client to initialize again, as the transport spec requires.
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
  const sessionId = ctx.get('mcp-session-id');
  if (!sessionId) return undefined;
  const row = sessionId.length <= 64 ? await ownSession(deps, ctx, owner, sessionId) : undefined;
  if (!row) throw new SessionNotFound();
  const logLevel = LoggingLevelSchema.safeParse(row.log_level);
  return {
    capabilities: row.capabilities as ClientCapabilities,
    protocolVersion: row.protocol_version,
    sessionId,
    ...(logLevel.success ? { logLevel: logLevel.data } : {}),
  };
}

/** The session row authentication read with an access token, if it did (src/db/repositories/frontDoor.ts); else read now. Another owner's is no session. */
async function ownSession(deps: ApiDependencies, ctx: Context, owner: SessionOwner, sessionId: string): Promise<McpSessionRow | undefined> {
  const prefetched = ctx.state.prefetched;
  if (!prefetched || prefetched.sessionId !== sessionId) return getOwnSession(deps.db, owner, sessionId);
  const row = prefetched.session;
  return row && row.account_id === owner.accountId && row.user_id === owner.userId && row.server_id === owner.serverId ? row : undefined;
}
