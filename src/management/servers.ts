import { getServer, listServers, type IssuedToken } from '../db/repositories/servers.js';
import type { ServerRow } from '../db/tables/servers.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { hasRestrictions } from '../servers/restrictions.js';
import { serverIdParam, type ServerResponse } from '../servers/schemas.js';
import type { AuthContext } from '../policy/caller.js';
import type { ManagementDependencies } from './ports.js';

/**
 * Server use cases shared by the REST routes (/api/servers) and the admin MCP tools, so both
 * answer the same thing.
 */

function serverUrls(publicUrl: string, serverId: string, token?: string) {
  const url = `${publicUrl}/mcp/${serverId}`;
  return { url, ...(token ? { accessUrl: `${url}/${token}` } : {}) };
}

export function toServerResponse(publicUrl: string, server: ServerRow, token?: IssuedToken): ServerResponse {
  return {
    serverId: server.id,
    name: server.name,
    description: server.description,
    mode: 'connectivity',
    isPublic: server.is_public,
    admin: server.admin,
    tokenExpiresInDays: server.token_expires_in_days,
    ...serverUrls(publicUrl, server.id, token?.token),
    ...(token ? { accessToken: token.token, accessTokenExpiresAt: token.row.expires_at.toISOString() } : {}),
    restrictions: server.restrictions,
    hasRestrictions: hasRestrictions(server.restrictions),
    createdAt: server.created_at.toISOString(),
    updatedAt: server.updated_at.toISOString(),
  };
}

/** A server of the caller's: 404 when it doesn't exist, 403 when it is someone else's. */
export async function ownedServer(deps: Pick<ManagementDependencies, 'db'>, auth: AuthContext, rawId: string | undefined): Promise<ServerRow> {
  const id = serverIdParam.safeParse(rawId);
  const server = id.success ? await getServer(deps.db, id.data) : undefined;
  if (!server) throw new NotFoundError('Server not found', { serverId: rawId });
  if (server.account_id !== auth.accountId || server.owner_user_id !== auth.userId) {
    throw new ForbiddenError('Not authorized for this server', { serverId: server.id });
  }
  return server;
}

/** GET /api/servers, list_servers. */
export async function listServerViews(deps: Pick<ManagementDependencies, 'db' | 'publicUrl'>, auth: AuthContext) {
  const servers = await listServers(deps.db, auth.accountId, auth.userId);
  return { servers: servers.map((server) => toServerResponse(deps.publicUrl, server)), count: servers.length };
}
