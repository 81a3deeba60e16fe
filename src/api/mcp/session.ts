import { randomUUID } from 'node:crypto';
import { InitializeRequestSchema, LoggingLevelSchema, type ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from 'koa';
import { getOwnSession, insertSession, type SessionOwner } from '../../db/repositories/mcpSessions.js';
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
  const sessionId = ctx.get('mcp-session-id');
  if (ctx.method !== 'POST' || !sessionId || sessionId.length > 64) return undefined;
  const row = await getOwnSession(deps.db, owner, sessionId);
  if (!row) return undefined;
  const logLevel = LoggingLevelSchema.safeParse(row.log_level);
  return {
    capabilities: row.capabilities as ClientCapabilities,
    protocolVersion: row.protocol_version,
    sessionId,
    ...(logLevel.success ? { logLevel: logLevel.data } : {}),
  };
}
