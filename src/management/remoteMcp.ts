import { z } from 'zod';
import { listMcpConnectors } from '../db/repositories/remoteMcpConnectors.js';
import { assignConnector, listAssignmentViews, unassignConnector } from '../servers/assignments.js';
import type { AssignmentInput, UpdateMcpConnectorInput } from '../remoteMcp/schemas.js';
import { findMcpConnector, listOAuthMcpStatuses, mcpConnectorView, oauthMcpView, updateMcpConnector } from '../remoteMcp/registry.js';
import type { AuthContext } from '../policy/caller.js';
import type { ManagementDependencies } from './ports.js';
import { ownedServer } from './servers.js';

/**
 * Remote MCP connector and assignment use cases shared by the REST routes and the admin MCP
 * tools: each is what one route answers.
 */

/** The :id of /api/mcp-connectors/:id: a row id (mcp_…) or the mcp-<slug> agents see. */
export const mcpConnectorIdParam = z.string().min(1).max(100).describe('A remote MCP connector: row id (mcp_…) or mcp-<slug>');

/** GET /api/mcp-connectors. */
export async function listMcpConnectorViews(deps: ManagementDependencies, auth: AuthContext) {
  const rows = await listMcpConnectors(deps.db, auth.accountId);
  return { connectors: rows.map((row) => mcpConnectorView(row, deps.secretBox)), count: rows.length };
}

/** GET /api/mcp-connectors/:id. */
export async function getMcpConnectorView(deps: ManagementDependencies, auth: AuthContext, id: string) {
  return mcpConnectorView(await findMcpConnector(deps.db, auth.accountId, id), deps.secretBox);
}

/** What an update replaces, for the audit entry; nothing when there is no such connector. */
export function mcpConnectorBefore(deps: ManagementDependencies, auth: AuthContext, id: string) {
  return getMcpConnectorView(deps, auth, id).catch(() => undefined);
}

/** PUT /api/mcp-connectors/:id: the change, then the tool list fetched again. */
export async function updateMcpConnectorView(deps: ManagementDependencies, auth: AuthContext, id: string, input: UpdateMcpConnectorInput) {
  const row = await updateMcpConnector(deps, auth.accountId, id, input);
  // Best effort: a server that is down now is listed again the first time an agent asks.
  const tools = row.type === 'simple' ? await deps.management.refreshRemoteTools(row).catch(() => undefined) : undefined;
  return mcpConnectorView(tools ? { ...row, tools, tools_cached_at: new Date() } : row, deps.secretBox);
}

/** GET /api/mcp-connectors/oauth. */
export async function listOAuthMcpEntries(deps: ManagementDependencies, auth: AuthContext) {
  return { entries: (await listOAuthMcpStatuses(deps.db, auth)).map(oauthMcpView) };
}

/** GET /api/servers/:serverId/connectors. */
export async function serverAssignments(deps: ManagementDependencies, auth: AuthContext, serverId: string) {
  const server = await ownedServer(deps, auth, serverId);
  const assignments = await listAssignmentViews(deps.db, auth, server.id);
  return { assignments, count: assignments.length };
}

/** POST /api/servers/:serverId/connectors (idempotent). */
export async function assignToServer(deps: ManagementDependencies, auth: AuthContext, serverId: string, input: AssignmentInput) {
  const server = await ownedServer(deps, auth, serverId);
  await assignConnector(deps.db, auth.accountId, server.id, input);
  return serverAssignments(deps, auth, server.id);
}

/** DELETE /api/servers/:serverId/connectors (idempotent). */
export async function unassignFromServer(deps: ManagementDependencies, auth: AuthContext, serverId: string, input: AssignmentInput) {
  const server = await ownedServer(deps, auth, serverId);
  const removed = await unassignConnector(deps.db, auth.accountId, server.id, input);
  return { removed, ...(await serverAssignments(deps, auth, server.id)) };
}
