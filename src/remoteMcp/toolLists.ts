import { resolveConnector, summarize } from '../connectors/registry.js';
import type { Connector, ConnectorListing } from '../connectors/types.js';
import { cacheRemoteMcpTools } from '../db/repositories/remoteMcpConnectors.js';
import type { CachedTool, RemoteMcpConnectorRow } from '../db/tables/remoteMcpConnectors.js';
import { SwitchboardError } from '../errors.js';
import { remoteMcpConnector } from './connector.js';
import type { RemoteMcpDependencies } from './ports.js';
import { signInHint } from './predefinedEntries.js';
import { findRemoteMcpConnector } from './registry.js';
import { hasConnected, signInFirst, userEndpoint } from './signIn.js';
import { resolveHostedCommand } from './stdio.js';
import { resolveEndpoint } from './variables.js';

/** Whose token an `oauth` server's tools are listed with. */
interface Caller {
  accountId: string;
  userId: string;
}

/**
 * Connects, lists the tools and caches them, with the revision and capabilities the server
 * declared: on test, and the first time an agent needs them. An `oauth` server is listed as the
 * user asking (`owner`), with their token.
 */
export async function refreshRemoteTools(deps: RemoteMcpDependencies, row: RemoteMcpConnectorRow, owner?: Caller): Promise<CachedTool[]> {
  const { tools, protocolVersion, capabilities } =
    row.type === 'stdio'
      ? { tools: await deps.remoteMcp.listHostedTools(await resolveHostedCommand(deps, row)), protocolVersion: null, capabilities: null }
      : await deps.remoteMcp.listTools(row.type === 'oauth' && owner ? await userEndpoint(deps, owner, row) : await resolveEndpoint(deps, row));
  await cacheRemoteMcpTools(deps.db, row.id, tools, protocolVersion, capabilities);
  return tools;
}

/**
 * A connector as an MCP caller finds it. A remote server whose tools were never listed is listed
 * now, as this user; an `oauth` one the user has not connected sends them to sign in first.
 */
export async function resolveForCaller(deps: RemoteMcpDependencies, auth: Caller, connectorId: string, connectorsVersion?: number): Promise<Connector> {
  const connector = await resolveConnector(deps.db, auth.accountId, connectorId, connectorsVersion);
  if (connector.origin !== 'remote-mcp' || connector.remoteMcp?.cachedAt) return connector;
  const row = await findRemoteMcpConnector(deps.db, auth.accountId, connector.remoteMcp!.mcpConnectorId);
  // An `oauth` server never listed: its tools are unknown until someone signs in, so this user is sent to.
  if (row.type === 'oauth' && !(await hasConnected(deps, auth, row))) throw await signInFirst(deps, auth, row);
  return remoteMcpConnector({ ...row, tools: await refreshRemoteTools(deps, row, auth), tools_cached_at: new Date() }, connector.settings);
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
  deps: RemoteMcpDependencies,
  row: RemoteMcpConnectorRow,
  owner: Caller,
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

export async function remoteListing(
  deps: RemoteMcpDependencies,
  row: RemoteMcpConnectorRow,
  owner: Caller,
  status: { connected: boolean } | undefined,
): Promise<AssignedListing> {
  const found = await toolsForListing(deps, row, owner, status?.connected);
  const current = 'tools' in found ? { ...row, tools: found.tools } : row;
  const connector = remoteMcpConnector(current, { baseUrlVariables: {}, enabled: true });
  const signIn = status && !status.connected ? { needsConnection: true, hint: signInHint(row.name, connector.id) } : {};
  return { ...summarize(connector), origin: 'remote-mcp', enabled: true, ...signIn, ...('note' in found ? { note: found.note } : {}) };
}
