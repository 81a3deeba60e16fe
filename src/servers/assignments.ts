import { resolveConnector } from '../connectors/registry.js';
import type { Db } from '../db/connect.js';
import { deleteAssignment, insertAssignment } from '../db/repositories/remoteMcpConnectors.js';
import type { AssignmentKind } from '../db/tables/remoteMcpConnectors.js';
import { connectorIdOfRow, isRemoteMcpConnectorId } from '../remoteMcp/connector.js';
import { connectionHint, predefinedEntry, signInHint } from '../remoteMcp/predefinedEntries.js';
import type { ReachesRemoteMcp } from '../remoteMcp/reachability.js';
import type { AssignmentInput, AssignmentResponse } from '../remoteMcp/schemas.js';
import { findRemoteMcpConnector } from '../remoteMcp/registry.js';
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
    return { kind: 'mcp', targetId: (await findRemoteMcpConnector(db, accountId, remoteId)).id };
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

export async function listAssignmentViews(db: Db, owner: Owner, serverId: string, reachesRemote?: ReachesRemoteMcp): Promise<AssignmentResponse[]> {
  const scope = await serverScope(db, owner, serverId, reachesRemote);
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
    const remoteRow = row.kind === 'mcp' ? scope.remoteMcpRows.get(row.target_id) : undefined;
    const remote = remoteRow ? scope.remoteConnected.get(connectorIdOfRow(remoteRow)) : undefined;
    if (remoteRow && (remoteRow.type !== 'oauth' || remote)) {
      views.push({
        kind: row.kind,
        connectorId: connectorIdOfRow(remoteRow),
        name: remoteRow.name,
        mcpConnectorId: remoteRow.id,
        ...(remoteRow.oauth_mcp ? { oauthMcp: remoteRow.oauth_mcp } : {}),
        ...(remote ? { needsConnection: !remote.connected } : {}),
        ...(remote && !remote.connected ? { hint: signInHint(remoteRow.name, connectorIdOfRow(remoteRow)) } : {}),
        assignedAt,
      });
      continue;
    }
    const entry = predefinedEntry(row.kind === 'oauth' ? row.target_id : (remoteRow?.oauth_mcp ?? ''));
    const status = entry ? scope.predefined.get(entry.connectorId) : undefined;
    views.push({
      kind: row.kind,
      connectorId: entry ? entry.connectorId : remoteRow ? connectorIdOfRow(remoteRow) : row.target_id,
      name: remoteRow?.name ?? entry?.name ?? row.target_id,
      ...(remoteRow ? { mcpConnectorId: remoteRow.id } : {}),
      ...(entry ? { oauthMcp: entry.id } : {}),
      ...(status ? { needsConnection: !status.connected } : {}),
      ...(status && !status.connected ? { hint: connectionHint(status.entry) } : {}),
      assignedAt,
    });
  }
  return views;
}
