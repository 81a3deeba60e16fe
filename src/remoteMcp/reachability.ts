import type { RemoteMcpConnectorRow } from '../db/tables/remoteMcpConnectors.js';
import { predefinedEntry } from './predefinedEntries.js';
import type { RemoteMcpDependencies } from './ports.js';

/**
 * Whether an `oauth` row is reached as a remote MCP server: one with its own URL always; a
 * predefined entry when its server answers (the API probes it; without a probe, never).
 */
export type ReachesRemoteMcp = (row: RemoteMcpConnectorRow) => Promise<boolean>;

/** How long a reachability decision about a predefined entry's server holds. */
const DECISION_TTL_MS = 5 * 60_000;

const decisions = new Map<string, { at: number; reachable: Promise<boolean> }>();

/**
 * Whether a predefined entry's remote MCP server is there and asks for OAuth. Kept for five
 * minutes per URL (and shared while in flight), so an unreachable provider costs one short wait,
 * after which the catalogue fallback answers at once.
 */
function entryReachable(deps: Pick<RemoteMcpDependencies, 'config' | 'remoteMcp'>, entryId: string): Promise<boolean> {
  const entry = predefinedEntry(entryId);
  if (!entry) return Promise.resolve(false);
  const url = deps.config.remoteMcp.entryUrls[entry.id] ?? entry.url;
  const known = decisions.get(url);
  if (known && Date.now() - known.at < DECISION_TTL_MS) return known.reachable;
  const reachable = deps.remoteMcp.asksForOAuth(new URL(url));
  decisions.set(url, { at: Date.now(), reachable });
  return reachable;
}

/** Rows with their own URL are remote servers; predefined entries while their server answers. */
export function reachesRemoteMcp(deps: Pick<RemoteMcpDependencies, 'config' | 'remoteMcp'>): ReachesRemoteMcp {
  return async (row) => Boolean(row.url_encrypted ?? row.url) || (row.oauth_mcp !== null && (await entryReachable(deps, row.oauth_mcp)));
}
