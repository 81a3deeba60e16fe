import { z } from 'zod';
import { resolveConnector } from '../connectors/registry.js';
import { listRemoteMcpConnectors } from '../db/repositories/remoteMcpConnectors.js';
import { SwitchboardError } from '../errors.js';
import type { AuthContext } from '../policy/caller.js';
import { connectionHint, predefinedEntry, type PredefinedEntry } from '../remoteMcp/predefinedEntries.js';
import { reachesRemoteMcp } from '../remoteMcp/reachability.js';
import { registryConnectorInput, searchRegistry, type InstallFromRegistryInput, type SearchRegistryInput } from '../remoteMcp/mcpRegistry.js';
import { createRemoteMcpConnector, findRemoteMcpConnector, listPredefinedEntryStatuses, remoteMcpConnectorView, predefinedEntryStatus, predefinedEntryView, updateRemoteMcpConnector } from '../remoteMcp/registry.js';
import type { AssignmentInput, TestRemoteMcpConnectorInput, TestRemoteMcpConnectorResponse, UpdateRemoteMcpConnectorInput } from '../remoteMcp/schemas.js';
import { hasConnected, signInRequired } from '../remoteMcp/signIn.js';
import { refreshRemoteTools } from '../remoteMcp/toolLists.js';
import { assignConnector, listAssignmentViews, unassignConnector } from '../servers/assignments.js';
import type { ManagementDependencies } from './ports.js';
import { ownedServer } from './servers.js';

/**
 * Remote MCP connector and assignment use cases shared by the REST routes and the admin MCP
 * tools: each is what one route answers.
 */

/** The :id of /api/mcp-connectors/:id: a row id (mcp_…) or the mcp-<slug> agents see. */
export const remoteMcpConnectorIdParam = z.string().min(1).max(100).describe('A remote MCP connector: row id (mcp_…) or mcp-<slug>');

/** GET /api/mcp-connectors. */
export async function listRemoteMcpConnectorViews(deps: ManagementDependencies, auth: AuthContext) {
  const rows = await listRemoteMcpConnectors(deps.db, auth.accountId);
  return { connectors: rows.map((row) => remoteMcpConnectorView(row, deps.secretBox)), count: rows.length };
}

/** GET /api/mcp-connectors/:id. */
export async function getRemoteMcpConnectorView(deps: ManagementDependencies, auth: AuthContext, id: string) {
  return remoteMcpConnectorView(await findRemoteMcpConnector(deps.db, auth.accountId, id), deps.secretBox);
}

/** What an update replaces, for the audit entry; nothing when there is no such connector. */
export function remoteMcpConnectorBefore(deps: ManagementDependencies, auth: AuthContext, id: string) {
  return getRemoteMcpConnectorView(deps, auth, id).catch(() => undefined);
}

/** PUT /api/mcp-connectors/:id: the change, then the tool list fetched again. */
export async function updateRemoteMcpConnectorView(deps: ManagementDependencies, auth: AuthContext, id: string, input: UpdateRemoteMcpConnectorInput) {
  const row = await updateRemoteMcpConnector(deps, auth.accountId, id, input);
  // Best effort: a server that is down now is listed again the first time an agent asks.
  const tools = row.type !== 'oauth' ? await refreshRemoteTools(deps, row).catch(() => undefined) : undefined;
  return remoteMcpConnectorView(tools ? { ...row, tools, tools_cached_at: new Date() } : row, deps.secretBox);
}

/** GET /api/mcp-connectors/oauth. */
export async function listPredefinedEntries(deps: ManagementDependencies, auth: AuthContext) {
  return { entries: (await listPredefinedEntryStatuses(deps.db, auth)).map(predefinedEntryView) };
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

const connectedMessage = (count: number) => `Connected · ${count} ${count === 1 ? 'tool' : 'tools'}`;

async function testOAuthEntry(deps: ManagementDependencies, auth: AuthContext, entry: PredefinedEntry): Promise<TestRemoteMcpConnectorResponse> {
  const status = await predefinedEntryStatus(deps.db, auth, entry);
  if (!status.connected) {
    const hint = connectionHint(entry);
    return { ok: false, error: hint, needsConnection: true, connectorId: entry.connectorId, hint };
  }
  const connector = await resolveConnector(deps.db, auth.accountId, entry.connectorId);
  const tools = connector.actions.map((action) => action.id);
  return { ok: true, message: connectedMessage(tools.length), toolsets: [{ name: entry.name, count: tools.length, tools }] };
}

/** POST /api/mcp-connectors/test: every failure is reported as text, never thrown. */
export async function testRemoteMcpConnector(
  deps: ManagementDependencies,
  auth: AuthContext,
  input: TestRemoteMcpConnectorInput,
): Promise<TestRemoteMcpConnectorResponse> {
  if (input.oauthMcp) return testOAuthEntry(deps, auth, predefinedEntry(input.oauthMcp)!);
  const row = await findRemoteMcpConnector(deps.db, auth.accountId, input.connectorId!);
  const remote = row.type !== 'oauth' || (await reachesRemoteMcp(deps)(row));
  const entry = row.type === 'oauth' && !remote ? predefinedEntry(row.oauth_mcp ?? '') : undefined;
  if (entry) return testOAuthEntry(deps, auth, entry);
  if (row.type === 'oauth' && !(await hasConnected(deps, auth, row))) return signInRequired(deps, auth, row);
  try {
    const tools = await refreshRemoteTools(deps, row, auth);
    const names = tools.map((tool) => tool.name);
    return { ok: true, message: connectedMessage(names.length), toolsets: [{ name: row.name, count: names.length, tools: names }] };
  } catch (error) {
    if (error instanceof SwitchboardError) return { ok: false, error: error.message, code: error.code };
    throw error;
  }
}

/** GET /api/registry/servers. */
export function searchMcpRegistry(deps: ManagementDependencies, query: SearchRegistryInput) {
  return searchRegistry(deps, query);
}

/** POST /api/registry/install: the chosen remote or package of a registry entry becomes a connector, as POST /api/mcp-connectors makes one. */
export async function installFromMcpRegistry(deps: ManagementDependencies, auth: AuthContext, input: InstallFromRegistryInput) {
  const row = await createRemoteMcpConnector(deps, auth.accountId, await registryConnectorInput(deps, input));
  return remoteMcpConnectorView(row, deps.secretBox);
}
