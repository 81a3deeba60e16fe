import { createServer, DuplicateServerNameError, findSealedToken, getServer, listServers, rotateServerToken, type IssuedToken, type SealToken } from '../db/repositories/servers.js';
import type { ServerRow } from '../db/tables/servers.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { hasRestrictions } from '../servers/restrictions.js';
import { createServerInput, presentRestrictions, serverIdParam, type Restrictions, type ServerResponse } from '../servers/schemas.js';
import { listConnectors } from '../connectors/registry.js';
import { connectorIdOfRow } from '../remoteMcp/connector.js';
import { listRemoteMcpConnectors } from '../db/repositories/remoteMcpConnectors.js';
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
    mode: server.mode,
    isPublic: server.is_public,
    admin: server.admin,
    tokenExpiresInDays: server.token_expires_in_days,
    ...serverUrls(publicUrl, server.id, token?.token),
    ...(token ? { accessToken: token.token, accessTokenExpiresAt: token.row.expires_at.toISOString() } : {}),
    restrictions: presentRestrictions(server.restrictions),
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

/**
 * Restriction entries that name no connector of the account (catalogue, custom or remote MCP):
 * accepted, since the connector may be added later, but said, because an allowlist with a typo
 * silently lets nothing of that connector through. Action entries are checked by their
 * `connectorId:` part.
 */
export async function restrictionWarnings(deps: Pick<ManagementDependencies, 'db'>, accountId: string, restrictions: Restrictions | undefined): Promise<string[]> {
  const named = [
    ...(restrictions?.connectors?.ids ?? []).map((id) => ({ list: 'connectors', entry: id, connectorId: id })),
    ...(restrictions?.actions?.ids ?? []).filter((id) => id.includes(':')).map((id) => ({ list: 'actions', entry: id, connectorId: id.slice(0, id.indexOf(':')) })),
  ];
  if (named.length === 0) return [];
  const [listed, remote] = await Promise.all([listConnectors(deps.db, accountId), listRemoteMcpConnectors(deps.db, accountId)]);
  const known = new Set([...listed.map((connector) => connector.id), ...remote.map(connectorIdOfRow)]);
  return named
    .filter(({ connectorId }) => !known.has(connectorId))
    .map(({ list, entry, connectorId }) => `restrictions.${list}: "${entry}" names no connector of this account ("${connectorId}" is not a catalogue, custom or remote MCP connector id), so it matches nothing`);
}

/** GET /api/servers, list_servers. */
export async function listServerViews(deps: Pick<ManagementDependencies, 'db' | 'publicUrl'>, auth: AuthContext) {
  const servers = await listServers(deps.db, auth.accountId, auth.userId);
  return { servers: servers.map((server) => toServerResponse(deps.publicUrl, server)), count: servers.length };
}

/** The server `npm start` prints: made on the first start, its sealed token opened on every later one. */
export interface StartServer {
  serverId: string;
  name: string;
  accessUrl: string;
  /** Made by this start (the account's user had no server). */
  created: boolean;
}

const tokenContext = (tokenId: string) => `server-token:${tokenId}`;

/**
 * A working MCP URL at every start: the user's start-up server (the one whose token is kept
 * sealed), a new token for it when its own has expired, or, when the user has no server at all
 * (a first start, or every server deleted), a new unrestricted "Default server". Undefined when
 * the user has servers but none whose token can be shown (its token was rotated: shown then).
 */
export async function ensureStartServer(
  deps: Pick<ManagementDependencies, 'db' | 'secretBox' | 'publicUrl'>,
  owner: { accountId: string; userId: string },
): Promise<StartServer | undefined> {
  const seal: SealToken = (tokenId, token) => deps.secretBox.seal(token, tokenContext(tokenId));
  const shown = (server: ServerRow, token: string, created: boolean): StartServer => ({
    serverId: server.id,
    name: server.name,
    accessUrl: serverUrls(deps.publicUrl, server.id, token).accessUrl!,
    created,
  });
  const found = await findSealedToken(deps.db, owner);
  if (found) {
    const live = found.token.expires_at > new Date();
    return shown(
      found.server,
      live ? deps.secretBox.open(found.token.token_sealed, tokenContext(found.token.id)) : (await rotateServerToken(deps.db, found.server, seal)).token,
      false,
    );
  }
  if ((await listServers(deps.db, owner.accountId, owner.userId)).length > 0) return undefined;
  const input = createServerInput.parse({ name: 'Default server', description: 'Made by the first start; npm start prints its access URL.' });
  try {
    const { server, token } = await createServer(deps.db, { ...input, accountId: owner.accountId, ownerUserId: owner.userId }, seal);
    return shown(server, token.token, true);
  } catch (error) {
    // Another process starting on the same database made it first: print that one.
    if (error instanceof DuplicateServerNameError) return ensureStartServer(deps, owner);
    throw error;
  }
}
