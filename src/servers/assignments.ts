import { resolveConnector } from '../connectors/registry.js';
import type { Db } from '../db/connect.js';
import { deleteAssignment, insertAssignment } from '../db/repositories/remoteMcpConnectors.js';
import type { AssignmentKind } from '../db/tables/remoteMcpConnectors.js';
import { connectorIdOfRow, isRemoteMcpConnectorId } from '../remoteMcp/connector.js';
import { connectionHint, oauthMcpEntry, signInHint } from '../remoteMcp/predefinedEntries.js';
import type { RemoteOAuthDecision } from '../remoteMcp/reachability.js';
import type { AssignmentInput, AssignmentResponse } from '../remoteMcp/schemas.js';
import { findMcpConnector } from '../remoteMcp/registry.js';
import { serverScope } from './scope.js';

interface Owner {
  accountId: string;
  userId: string;
}

/** Which connectors a server offers: assigning, removing and listing them (GET/POST/DELETE /api/servers/:id/connectors). */

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
