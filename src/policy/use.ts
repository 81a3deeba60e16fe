import { ForbiddenError } from '../errors.js';
import { isRemoteMcpConnectorId } from '../remoteMcp/connector.js';
import { actionAllowed, connectorAllowed, userAllowed } from '../servers/restrictions.js';
import type { Restrictions } from '../servers/schemas.js';

/** Who uses a server: the user the call acts as. */
export interface ServerUser {
  userId: string;
}

/** A server as the policy sees it: its restrictions and, when it has any, its assignments. */
export interface ServerGrant {
  restrictions: Restrictions;
  /** The connectors assigned to the server, or undefined when it has none (then it offers every catalogue and custom connector). */
  assignedConnectorIds: ReadonlySet<string> | undefined;
}

/**
 * The one rule for using a connector through a server, whichever door the call came in by (every
 * MCP tool, POST /api/runs with a serverId): the user may use the server, the connector is
 * assigned to it (remote MCP connectors always need an assignment), and its restrictions allow the
 * connector and every action (a plan's steps and compensations; none when only the connector is
 * used). Returns the refusal instead of throwing it, for the tools that filter what they list.
 */
export function refusalOfUse(caller: ServerUser, server: ServerGrant, connectorId: string, actionIds: readonly string[]): ForbiddenError | undefined {
  const userRefused = refusalOfUser(caller, server);
  if (userRefused) return userRefused;
  if (server.assignedConnectorIds ? !server.assignedConnectorIds.has(connectorId) : isRemoteMcpConnectorId(connectorId)) {
    return new ForbiddenError(`Connector "${connectorId}" is not assigned to this server`, { connectorId });
  }
  if (!connectorAllowed(server.restrictions, connectorId)) {
    return new ForbiddenError(`Connector "${connectorId}" is not available on this server`, { connectorId });
  }
  const refused = actionIds.find((actionId) => !actionAllowed(server.restrictions, connectorId, actionId));
  if (refused !== undefined) {
    return new ForbiddenError(`Action "${refused}" is not available on this server`, { connectorId, actionId: refused });
  }
  return undefined;
}

/**
 * The part of refusalOfUse a door decides before any connector is named: the MCP front door on
 * every request, the sign-in page before it grants a token.
 */
export function refusalOfUser(caller: ServerUser, server: Pick<ServerGrant, 'restrictions'>): ForbiddenError | undefined {
  return userAllowed(server.restrictions, caller.userId) ? undefined : new ForbiddenError('This user may not use this server', { userId: caller.userId });
}

/** refusalOfUse, thrown: FORBIDDEN naming what the server does not allow. */
export function authorizeUse(caller: ServerUser, server: ServerGrant, connectorId: string, actionIds: readonly string[] = []): void {
  const refusal = refusalOfUse(caller, server, connectorId, actionIds);
  if (refusal) throw refusal;
}

/** refusalOfUse as a filter: may this caller see and use it? */
export function mayUse(caller: ServerUser, server: ServerGrant, connectorId: string, actionIds: readonly string[] = []): boolean {
  return refusalOfUse(caller, server, connectorId, actionIds) === undefined;
}
