import { ForbiddenError } from '../errors.js';
import { isRemoteMcpConnectorId } from '../connectors/sources/remoteMcp/connector.js';
import { actionAllowed, connectorAllowed, userAllowed } from '../servers/restrictions.js';
import type { Restrictions } from '../servers/schemas.js';

/** What a use of a server is checked against: its restrictions and, when it has any, its assignments. */
export interface ServerUse {
  server: { restrictions: Restrictions };
  userId: string;
  connectorId: string;
  /** The actions the call may run (a plan's steps and compensations); empty when only the connector is used. */
  actionIds: readonly string[];
  /** The connectors assigned to the server, or undefined when it has no assignments (then it offers every catalogue and custom connector). */
  assignedConnectorIds: ReadonlySet<string> | undefined;
}

/**
 * The one rule for using a connector through a server, whichever door the call came in by (MCP
 * tools, POST /api/runs with a serverId): the user may use the server, the connector is assigned
 * to it (remote MCP connectors always need an assignment), and its restrictions allow the
 * connector and every action.
 */
export function authorizeServerUse(use: ServerUse): void {
  authorizeConnectorUse(use);
  authorizeActions(use.server, use.connectorId, use.actionIds);
}

/** The connector half of authorizeServerUse, for tools that learn the action later. */
export function authorizeConnectorUse({ server, userId, connectorId, assignedConnectorIds }: Omit<ServerUse, 'actionIds'>): void {
  if (!userAllowed(server.restrictions, userId)) {
    throw new ForbiddenError('This user may not use this server', { userId });
  }
  if (assignedConnectorIds ? !assignedConnectorIds.has(connectorId) : isRemoteMcpConnectorId(connectorId)) {
    throw new ForbiddenError(`Connector "${connectorId}" is not assigned to this server`, { connectorId });
  }
  if (!connectorAllowed(server.restrictions, connectorId)) {
    throw new ForbiddenError(`Connector "${connectorId}" is not available on this server`, { connectorId });
  }
}

/** The action half of authorizeServerUse. */
export function authorizeActions(server: ServerUse['server'], connectorId: string, actionIds: readonly string[]): void {
  for (const actionId of actionIds) {
    if (!actionAllowed(server.restrictions, connectorId, actionId)) {
      throw new ForbiddenError(`Action "${actionId}" is not available on this server`, { connectorId, actionId });
    }
  }
}
