import { resolveConnector } from '../../registry.js';
import type { Db } from '../../../db/connect.js';
import { deleteAssignment, insertAssignment, listAssignments, listMcpConnectors } from '../../../db/repositories/mcpConnectors.js';
import type { AssignmentKind, AssignmentRow, McpConnectorRow } from '../../../db/tables/mcpConnectors.js';
import { connectorIdOfRow, isRemoteMcpConnectorId } from './connector.js';
import { connectionHint, oauthMcpEntry, signInHint, type OAuthMcpEntry } from './oauthEntries.js';
import { findNewestActiveCredential } from '../../../db/repositories/credentials.js';
import type { AssignmentInput, AssignmentResponse } from './schemas.js';
import type { ServerGrant } from '../../../policy/use.js';
import type { Restrictions } from '../../../servers/schemas.js';
import { findMcpConnector, oauthMcpStatus } from './service.js';

interface Owner {
  accountId: string;
  userId: string;
}

/** The row an assignment request names, checked to exist (assigning) or taken as given (removing). */
async function targetOf(db: Db, accountId: string, input: AssignmentInput, mustExist: boolean): Promise<{ kind: AssignmentKind; targetId: string }> {
  if (input.oauthMcp) return { kind: 'oauth', targetId: input.oauthMcp };
  const remoteId = input.mcpConnectorId ?? (input.connectorId && isRemoteMcpConnectorId(input.connectorId) ? input.connectorId : undefined);
  if (remoteId) {
    if (!mustExist && !isRemoteMcpConnectorId(remoteId)) return { kind: 'mcp', targetId: remoteId };
    return { kind: 'mcp', targetId: (await findMcpConnector(db, accountId, remoteId)).id };
  }
  const connectorId = input.connectorId!;
  if (mustExist) await resolveConnector(db, accountId, connectorId);
  return { kind: 'connector', targetId: connectorId };
}

export async function assignConnector(db: Db, accountId: string, serverId: string, input: AssignmentInput): Promise<void> {
  const { kind, targetId } = await targetOf(db, accountId, input, true);
  await insertAssignment(db, serverId, kind, targetId);
}

/** Idempotent: removing what is not assigned succeeds and says so. */
export async function unassignConnector(db: Db, accountId: string, serverId: string, input: AssignmentInput): Promise<boolean> {
  const { kind, targetId } = await targetOf(db, accountId, input, false);
  return deleteAssignment(db, serverId, kind, targetId);
}

/**
 * What a server with assignments offers. Catalogue and custom connectors by id; remote MCP
 * servers as mcp-<slug>; oauth entries (and `oauth` rows) as their backing catalogue connector,
 * flagged when the user has not connected it.
 */
export interface ServerScope {
  connectorIds: Set<string>;
  remote: McpConnectorRow[];
  /** `oauth` rows reached as remote servers, by connector id: whether this user has connected. */
  remoteOAuth: Map<string, { connected: boolean }>;
  oauth: Map<string, { entry: OAuthMcpEntry; connected: boolean }>;
  rows: AssignmentRow[];
  mcpRows: Map<string, McpConnectorRow>;
}

/**
 * Whether an `oauth` row is reached as a remote MCP server: one with its own URL always; a
 * predefined entry when its server answers (the API probes it; without a probe, never).
 */
export type RemoteOAuthDecision = (row: McpConnectorRow) => Promise<boolean>;
const ownUrlOnly: RemoteOAuthDecision = async (row) => Boolean(row.url_encrypted ?? row.url);

/**
 * Undefined when the server has no assignments: then it offers every connector, as before.
 * `assigned`: the server's assignment rows, when the caller already read them.
 */
export async function serverScope(
  db: Db,
  owner: Owner,
  serverId: string,
  isRemoteOAuth: RemoteOAuthDecision = ownUrlOnly,
  assigned?: readonly AssignmentRow[],
): Promise<ServerScope | undefined> {
  const rows = assigned ? [...assigned] : await listAssignments(db, serverId);
  if (rows.length === 0) return undefined;
  const mcpRows = new Map(
    (await listMcpConnectors(db, owner.accountId, rows.filter((row) => row.kind === 'mcp').map((row) => row.target_id))).map((row) => [row.id, row]),
  );
  const scope: ServerScope = { connectorIds: new Set(), remote: [], remoteOAuth: new Map(), oauth: new Map(), rows, mcpRows };
  const entries: OAuthMcpEntry[] = [];
  for (const row of rows) {
    if (row.kind === 'connector') scope.connectorIds.add(row.target_id);
    const mcp = row.kind === 'mcp' ? mcpRows.get(row.target_id) : undefined;
    if (mcp?.type === 'simple' || (mcp?.type === 'oauth' && (await isRemoteOAuth(mcp)))) {
      const connectorId = connectorIdOfRow(mcp);
      scope.connectorIds.add(connectorId);
      scope.remote.push(mcp);
      if (mcp.type === 'oauth') {
        const credential = await findNewestActiveCredential(db, { ...owner, connectorId });
        scope.remoteOAuth.set(connectorId, { connected: credential !== undefined });
      }
      continue;
    }
    const entry = oauthMcpEntry(row.kind === 'oauth' ? row.target_id : (mcp?.oauth_mcp ?? ''));
    if (entry) entries.push(entry);
  }
  for (const status of await Promise.all(entries.map((entry) => oauthMcpStatus(db, owner, entry)))) {
    scope.connectorIds.add(status.entry.connectorId);
    scope.oauth.set(status.entry.connectorId, status);
  }
  return scope;
}

/** What a server grants, for the policy (src/policy/use.ts): its restrictions and its assignments' connectors. */
export async function serverGrant(
  db: Db,
  owner: Owner,
  server: { id: string; restrictions: Restrictions },
  isRemoteOAuth?: RemoteOAuthDecision,
  assigned?: readonly AssignmentRow[],
): Promise<ServerGrant> {
  const scope = await serverScope(db, owner, server.id, isRemoteOAuth, assigned);
  return { restrictions: server.restrictions, assignedConnectorIds: scope?.connectorIds };
}

export async function listAssignmentViews(db: Db, owner: Owner, serverId: string, isRemoteOAuth?: RemoteOAuthDecision): Promise<AssignmentResponse[]> {
  const scope = await serverScope(db, owner, serverId, isRemoteOAuth);
  if (!scope) return [];
  const views: AssignmentResponse[] = [];
  for (const row of scope.rows) {
    const assignedAt = row.created_at.toISOString();
    if (row.kind === 'connector') {
      const name = await resolveConnector(db, owner.accountId, row.target_id).then(
        (connector) => connector.name,
        () => row.target_id,
      );
      views.push({ kind: 'connector', connectorId: row.target_id, name, assignedAt });
      continue;
    }
    const mcp = row.kind === 'mcp' ? scope.mcpRows.get(row.target_id) : undefined;
    const remote = mcp ? scope.remoteOAuth.get(connectorIdOfRow(mcp)) : undefined;
    if (mcp && (mcp.type === 'simple' || remote)) {
      views.push({
        kind: row.kind,
        connectorId: connectorIdOfRow(mcp),
        name: mcp.name,
        mcpConnectorId: mcp.id,
        ...(mcp.oauth_mcp ? { oauthMcp: mcp.oauth_mcp } : {}),
        ...(remote ? { needsConnection: !remote.connected } : {}),
        ...(remote && !remote.connected ? { hint: signInHint(mcp.name, connectorIdOfRow(mcp)) } : {}),
        assignedAt,
      });
      continue;
    }
    const entry = oauthMcpEntry(row.kind === 'oauth' ? row.target_id : (mcp?.oauth_mcp ?? ''));
    const status = entry ? scope.oauth.get(entry.connectorId) : undefined;
    views.push({
      kind: row.kind,
      connectorId: entry ? entry.connectorId : mcp ? connectorIdOfRow(mcp) : row.target_id,
      name: mcp?.name ?? entry?.name ?? row.target_id,
      ...(mcp ? { mcpConnectorId: mcp.id } : {}),
      ...(entry ? { oauthMcp: entry.id } : {}),
      ...(status ? { needsConnection: !status.connected } : {}),
      ...(status && !status.connected ? { hint: connectionHint(status.entry) } : {}),
      assignedAt,
    });
  }
  return views;
}
