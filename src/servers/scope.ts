import { listConnectors } from '../connectors/registry.js';
import type { Db } from '../db/connect.js';
import { findNewestActiveCredential } from '../db/repositories/credentials.js';
import { listAssignments, listRemoteMcpConnectors } from '../db/repositories/remoteMcpConnectors.js';
import type { AssignmentRow, RemoteMcpConnectorRow } from '../db/tables/remoteMcpConnectors.js';
import type { ServerGrant } from '../policy/use.js';
import { connectorIdOfRow } from '../remoteMcp/connector.js';
import type { RemoteMcpDependencies } from '../remoteMcp/ports.js';
import { connectionHint, predefinedEntry, type PredefinedEntry } from '../remoteMcp/predefinedEntries.js';
import { reachesRemoteMcp, type ReachesRemoteMcp } from '../remoteMcp/reachability.js';
import { predefinedEntryStatus } from '../remoteMcp/registry.js';
import { remoteListing, resolveForCaller, type AssignedListing } from '../remoteMcp/toolLists.js';
import type { UseScope } from '../runs/prepare.js';
import type { Restrictions } from './schemas.js';
import type { Role } from '../policy/roles.js';

/**
 * What a server offers its callers, for the one policy (src/policy/use.ts) and for what the MCP
 * tools list: its restrictions and, when it has assignments, the connectors assigned to it.
 */

interface Owner {
  accountId: string;
  userId: string;
}

/** A server as the MCP front door has it: its id and restrictions. */
interface Server {
  id: string;
  restrictions: Restrictions;
}

/**
 * What a server with assignments offers. Catalogue and custom connectors by id; remote MCP
 * servers as mcp-<slug>; oauth entries (and `oauth` rows) as their backing catalogue connector,
 * flagged when the user has not connected it.
 */
export interface ServerScope {
  connectorIds: Set<string>;
  remote: RemoteMcpConnectorRow[];
  /** `oauth` rows reached as remote servers, by connector id: whether this user has connected. */
  remoteConnected: Map<string, { connected: boolean }>;
  /** Predefined entries (and `oauth` rows standing for one) by their catalogue connector id: whether this user has connected. */
  predefined: Map<string, { entry: PredefinedEntry; connected: boolean }>;
  rows: AssignmentRow[];
  remoteMcpRows: Map<string, RemoteMcpConnectorRow>;
}

const ownUrlOnly: ReachesRemoteMcp = async (row) => Boolean(row.url_encrypted ?? row.url);

/**
 * Undefined when the server has no assignments: then it offers every connector, as before.
 * `assigned`: the server's assignment rows, when the caller already read them (src/db/repositories/frontDoor.ts).
 */
export async function serverScope(
  db: Db,
  owner: Owner,
  serverId: string,
  reachesRemote: ReachesRemoteMcp = ownUrlOnly,
  assigned?: readonly AssignmentRow[],
): Promise<ServerScope | undefined> {
  const rows = assigned ? [...assigned] : await listAssignments(db, serverId);
  if (rows.length === 0) return undefined;
  const remoteMcpRows = new Map(
    (await listRemoteMcpConnectors(db, owner.accountId, rows.filter((row) => row.kind === 'mcp').map((row) => row.target_id))).map((row) => [row.id, row]),
  );
  const scope: ServerScope = { connectorIds: new Set(), remote: [], remoteConnected: new Map(), predefined: new Map(), rows, remoteMcpRows };
  const entries: PredefinedEntry[] = [];
  for (const row of rows) {
    if (row.kind === 'connector') scope.connectorIds.add(row.target_id);
    const remoteRow = row.kind === 'mcp' ? remoteMcpRows.get(row.target_id) : undefined;
    if ((remoteRow !== undefined && remoteRow.type !== 'oauth') || (remoteRow?.type === 'oauth' && (await reachesRemote(remoteRow)))) {
      const connectorId = connectorIdOfRow(remoteRow);
      scope.connectorIds.add(connectorId);
      scope.remote.push(remoteRow);
      if (remoteRow.type === 'oauth') {
        const credential = await findNewestActiveCredential(db, { ...owner, connectorId });
        scope.remoteConnected.set(connectorId, { connected: credential !== undefined });
      }
      continue;
    }
    const entry = predefinedEntry(row.kind === 'oauth' ? row.target_id : (remoteRow?.oauth_mcp ?? ''));
    if (entry) entries.push(entry);
  }
  for (const status of await Promise.all(entries.map((entry) => predefinedEntryStatus(db, owner, entry)))) {
    scope.connectorIds.add(status.entry.connectorId);
    scope.predefined.set(status.entry.connectorId, status);
  }
  return scope;
}

/** What a server grants, for the policy (src/policy/use.ts): its restrictions and its assignments' connectors. */
export async function serverGrant(
  db: Db,
  owner: Owner,
  server: Server,
  reachesRemote?: ReachesRemoteMcp,
  assigned?: readonly AssignmentRow[],
): Promise<ServerGrant> {
  const scope = await serverScope(db, owner, server.id, reachesRemote, assigned);
  return { restrictions: server.restrictions, assignedConnectorIds: scope?.connectorIds };
}

/**
 * What a server grants the MCP tools' callers: predefined entries count as remote servers while
 * their server answers a probe (src/remoteMcp/reachability.ts).
 */
export function callerGrant(deps: RemoteMcpDependencies, caller: Owner, server: Server, assigned?: readonly AssignmentRow[]): Promise<ServerGrant> {
  return serverGrant(deps.db, caller, server, reachesRemoteMcp(deps), assigned);
}

/**
 * Who an MCP tool call acts as and what its server grants, for src/runs/prepare.ts; a remote
 * server whose tools were never listed is listed as the caller (src/remoteMcp/toolLists.ts).
 * `connectorsVersion`: the account's, when the front door read it (src/connectors/accountRows.ts).
 */
export async function serverUseScope(
  deps: RemoteMcpDependencies,
  caller: Owner & { role?: Role },
  server: Server,
  assigned?: readonly AssignmentRow[],
  connectorsVersion?: number,
): Promise<UseScope> {
  return {
    accountId: caller.accountId,
    userId: caller.userId,
    serverId: server.id,
    ...(caller.role ? { role: caller.role } : {}),
    grant: await callerGrant(deps, caller, server, assigned),
    resolve: (connectorId) => resolveForCaller(deps, caller, connectorId, connectorsVersion),
  };
}

/**
 * list_connectors for this server: everything, or with assignments only what is assigned; with
 * the server's grant, which list_connectors filters by (src/policy/use.ts).
 */
export async function serverListings(
  deps: RemoteMcpDependencies,
  caller: Owner,
  server: Server,
  filter: { category?: string },
  assigned?: readonly AssignmentRow[],
  connectorsVersion?: number,
): Promise<{ listings: AssignedListing[]; grant: ServerGrant }> {
  const [scope, all] = await Promise.all([
    serverScope(deps.db, caller, server.id, reachesRemoteMcp(deps), assigned),
    listConnectors(deps.db, caller.accountId, filter, connectorsVersion),
  ]);
  const grant = { restrictions: server.restrictions, assignedConnectorIds: scope?.connectorIds };
  if (!scope) return { listings: all, grant };
  const listed: AssignedListing[] = all
    .filter((listing) => scope.connectorIds.has(listing.id))
    .map((listing) => {
      const status = scope.predefined.get(listing.id);
      if (!status || status.connected) return listing;
      return { ...listing, needsConnection: true, hint: connectionHint(status.entry) };
    });
  const remote = (await Promise.all(scope.remote.map((row) => remoteListing(deps, row, caller, scope.remoteConnected.get(connectorIdOfRow(row)))))).filter(
    (listing) => filter.category === undefined || listing.category === filter.category,
  );
  return { listings: [...listed, ...remote].sort((a, b) => a.id.localeCompare(b.id)), grant };
}
