import { listRemoteTools } from '../../upstream/remoteMcpClient.js';
import { listConnectors, resolveConnector, summarize } from '../../connectors/registry.js';
import type { Connector, ConnectorListing } from '../../connectors/types.js';
import { cacheMcpTools } from '../../db/repositories/mcpConnectors.js';
import type { CachedTool, McpConnectorRow } from '../../db/tables/mcpConnectors.js';
import { SwitchboardError } from '../../errors.js';
import { serverGrant, serverScope } from '../../connectors/sources/remoteMcp/assignments.js';
import { connectorIdOfRow, remoteMcpConnector } from '../../connectors/sources/remoteMcp/connector.js';
import { connectionHint, oauthMcpEntry, signInHint, type OAuthMcpEntry } from '../../connectors/sources/remoteMcp/oauthEntries.js';
import type { TestMcpConnectorInput, TestMcpConnectorResponse } from '../../connectors/sources/remoteMcp/schemas.js';
import { findMcpConnector, oauthMcpStatus } from '../../connectors/sources/remoteMcp/service.js';
import type { ServerGrant } from '../../policy/use.js';
import type { UseScope } from '../../runs/prepare.js';
import { resolveEndpoint } from '../../connectors/sources/remoteMcp/variables.js';
import type { ApiDependencies } from '../context.js';
import type { AuthContext } from '../../policy/caller.js';
import type { ToolContext } from './tool.js';
import { hasConnected, remoteOAuthDecision, signInFirst, signInRequired, userEndpoint } from './remoteOAuthConnectors.js';

/**
 * Connects, lists the tools and caches them: on test, and the first time an agent needs them. An
 * `oauth` server is listed as the user asking (`owner`), with their token.
 */
export async function refreshRemoteTools(deps: ApiDependencies, row: McpConnectorRow, owner?: { accountId: string; userId: string }): Promise<CachedTool[]> {
  const endpoint = row.type === 'oauth' && owner ? await userEndpoint(deps, owner, row) : await resolveEndpoint(deps, row);
  const tools = await listRemoteTools(deps.config, endpoint);
  await cacheMcpTools(deps.db, row.id, tools);
  return tools;
}

const connectedMessage = (count: number) => `Connected · ${count} ${count === 1 ? 'tool' : 'tools'}`;

async function testOAuthEntry(deps: ApiDependencies, auth: AuthContext, entry: OAuthMcpEntry): Promise<TestMcpConnectorResponse> {
  const status = await oauthMcpStatus(deps.db, auth, entry);
  if (!status.connected) {
    const hint = connectionHint(entry);
    return { ok: false, error: hint, needsConnection: true, connectorId: entry.connectorId, hint };
  }
  const connector = await resolveConnector(deps.db, auth.accountId, entry.connectorId);
  const tools = connector.actions.map((action) => action.id);
  return { ok: true, message: connectedMessage(tools.length), toolsets: [{ name: entry.name, count: tools.length, tools }] };
}

/** POST /api/mcp-connectors/test: every failure is reported as text, never thrown. */
export async function testMcpConnector(
  deps: ApiDependencies,
  auth: AuthContext,
  input: TestMcpConnectorInput,
): Promise<TestMcpConnectorResponse> {
  if (input.oauthMcp) return testOAuthEntry(deps, auth, oauthMcpEntry(input.oauthMcp)!);
  const row = await findMcpConnector(deps.db, auth.accountId, input.connectorId!);
  const remote = row.type === 'simple' || (await remoteOAuthDecision(deps)(row));
  const entry = row.type === 'oauth' && !remote ? oauthMcpEntry(row.oauth_mcp ?? '') : undefined;
  if (entry) return testOAuthEntry(deps, auth, entry);
  if (row.type === 'oauth' && !(await hasConnected(deps, auth, row))) return signInRequired(deps, auth, row);
  try {
    const tools = await refreshRemoteTools(deps, row, auth);
    const names = tools.map((tool) => tool.name);
    return { ok: true, message: connectedMessage(names.length), toolsets: [{ name: row.name, count: names.length, tools: names }] };
  } catch (error) {
    if (error instanceof SwitchboardError) return { ok: false, error: error.message };
    throw error;
  }
}

/**
 * A connector as an MCP caller finds it. A remote server whose tools were never listed is listed
 * now, as this user; an `oauth` one the user has not connected sends them to sign in first.
 */
async function resolveForTools(context: ToolContext, connectorId: string): Promise<Connector> {
  const { deps, auth } = context;
  const connector = await resolveConnector(deps.db, auth.accountId, connectorId);
  if (connector.origin !== 'remote-mcp' || connector.remoteMcp?.cachedAt) return connector;
  const row = await findMcpConnector(deps.db, auth.accountId, connector.remoteMcp!.mcpConnectorId);
  // An `oauth` server never listed: its tools are unknown until someone signs in, so this user is sent to.
  if (row.type === 'oauth' && !(await hasConnected(deps, auth, row))) throw await signInFirst(deps, auth, row);
  return remoteMcpConnector({ ...row, tools: await refreshRemoteTools(deps, row, auth), tools_cached_at: new Date() }, connector.settings);
}

/** What the server an MCP tool call came through grants (src/policy/use.ts). */
export function toolServerGrant({ deps, auth, server, assignments }: ToolContext): Promise<ServerGrant> {
  return serverGrant(deps.db, auth, server, remoteOAuthDecision(deps), assignments);
}

/** Who an MCP tool call acts as and what its server grants, for src/runs/prepare.ts. */
export async function toolUseScope(context: ToolContext): Promise<UseScope> {
  const { auth, server } = context;
  return {
    accountId: auth.accountId,
    userId: auth.userId,
    serverId: server.id,
    grant: await toolServerGrant(context),
    resolve: (connectorId) => resolveForTools(context, connectorId),
  };
}

export interface AssignedListing extends ConnectorListing {
  needsConnection?: boolean;
  hint?: string;
  /** Why a remote server shows no tools (it could not be reached to list them). */
  note?: string;
}

/** How long list_connectors waits for a remote server it has no tool list for yet. */
const LISTING_WAIT_MS = 500;
/** After a failed listing, list_connectors reports the failure for this long before trying again. */
const LISTING_RETRY_AFTER_MS = 60_000;

/** Per process, by connector row and version: listings in flight, and recent failures. */
const listingsInFlight = new Map<string, Promise<CachedTool[]>>();
const recentListingFailures = new Map<string, { at: number; message: string }>();

/**
 * A tool list for list_connectors without letting a slow or hanging server hold the answer: the
 * cached list when there is one; else a listing (shared by concurrent callers, bounded by
 * REMOTE_MCP_TIMEOUT_MS, cached on success) waited on for LISTING_WAIT_MS only by the caller that
 * started it. A failure is remembered for a minute, so a dead server is not dialled on every call.
 */
async function toolsForListing(
  deps: ApiDependencies,
  row: McpConnectorRow,
  owner: { accountId: string; userId: string },
  connected: boolean | undefined,
): Promise<{ tools: CachedTool[] } | { note: string }> {
  if (row.tools_cached_at) return { tools: row.tools ?? [] };
  if (connected === false) return { note: 'Its tools are listed once a user has signed in' };
  const key = `${row.id}@${row.updated_at.getTime()}`;
  const failure = recentListingFailures.get(key);
  if (failure && Date.now() - failure.at < LISTING_RETRY_AFTER_MS) return { note: `Its tools could not be listed: ${failure.message}` };
  const running = listingsInFlight.get(key);
  if (running) return { note: 'Its tools are being listed; call list_connectors again in a few seconds' };
  const listing = refreshRemoteTools(deps, row, owner).finally(() => listingsInFlight.delete(key));
  listingsInFlight.set(key, listing);
  listing.then(
    () => recentListingFailures.delete(key),
    (error: unknown) => {
      // Entries of edited or deleted connectors would otherwise stay: drop every stale one.
      for (const [stale, { at }] of recentListingFailures) if (Date.now() - at >= LISTING_RETRY_AFTER_MS) recentListingFailures.delete(stale);
      recentListingFailures.set(key, { at: Date.now(), message: error instanceof SwitchboardError ? error.message : 'internal error' });
      if (!(error instanceof SwitchboardError)) deps.logger.error({ err: error, mcpConnectorId: row.id }, 'listing remote MCP tools failed');
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), LISTING_WAIT_MS)));
  try {
    const tools = await Promise.race([listing, waited]);
    return tools ? { tools } : { note: 'Its tools are being listed; call list_connectors again in a few seconds' };
  } catch (error) {
    if (!(error instanceof SwitchboardError)) throw error;
    return { note: `Its tools could not be listed: ${error.message}` };
  } finally {
    clearTimeout(timer);
  }
}

async function remoteListing(
  deps: ApiDependencies,
  row: McpConnectorRow,
  owner: { accountId: string; userId: string },
  status: { connected: boolean } | undefined,
): Promise<AssignedListing> {
  const found = await toolsForListing(deps, row, owner, status?.connected);
  const current = 'tools' in found ? { ...row, tools: found.tools } : row;
  const connector = remoteMcpConnector(current, { baseUrlVariables: {}, enabled: true });
  const signIn = status && !status.connected ? { needsConnection: true, hint: signInHint(row.name, connector.id) } : {};
  return { ...summarize(connector), origin: 'remote-mcp', enabled: true, ...signIn, ...('note' in found ? { note: found.note } : {}) };
}

/**
 * list_connectors for this server: everything, or with assignments only what is assigned; with
 * the server's grant, which list_connectors filters by (src/policy/use.ts).
 */
export async function assignedListings(context: ToolContext, filter: { category?: string }): Promise<{ listings: AssignedListing[]; grant: ServerGrant }> {
  const { deps, auth, server, assignments } = context;
  const [scope, all] = await Promise.all([
    serverScope(deps.db, auth, server.id, remoteOAuthDecision(deps), assignments),
    listConnectors(deps.db, auth.accountId, filter),
  ]);
  const grant = { restrictions: server.restrictions, assignedConnectorIds: scope?.connectorIds };
  if (!scope) return { listings: all, grant };
  const listed: AssignedListing[] = all
    .filter((listing) => scope.connectorIds.has(listing.id))
    .map((listing) => {
      const status = scope.oauth.get(listing.id);
      if (!status || status.connected) return listing;
      return { ...listing, needsConnection: true, hint: connectionHint(status.entry) };
    });
  const remote = (await Promise.all(scope.remote.map((row) => remoteListing(deps, row, auth, scope.remoteOAuth.get(connectorIdOfRow(row)))))).filter(
    (listing) => filter.category === undefined || listing.category === filter.category,
  );
  return { listings: [...listed, ...remote].sort((a, b) => a.id.localeCompare(b.id)), grant };
}
