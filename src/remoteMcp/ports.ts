import type { Config } from '../config.js';
import type { OAuthDependencies } from '../credentials/ports.js';
import type { Db } from '../db/connect.js';
import type { CachedTool } from '../db/tables/remoteMcpConnectors.js';
import type { Logger } from '../observability/logger.js';
import type { SecretBox } from '../secrets/secretBox.js';
import type { HostedCommand } from './stdio.js';
import type { RemoteEndpoint } from './variables.js';

/**
 * What remote MCP asks of the servers themselves. The calls go out through the egress policy and
 * the MCP SDK client, so they are made in src/upstream/remoteMcp/peers.ts, wired in src/app/start.ts.
 */
export interface RemoteMcpPeers {
  /**
   * Connects, lists the server's tools and closes, all within REMOTE_MCP_TIMEOUT_MS; 2026-07-28 is
   * tried first, and the revision the server speaks and its capabilities come with the list (kept
   * with it). A server that declares no tools is not asked for them: its list is empty.
   */
  listTools(endpoint: RemoteEndpoint): Promise<RemoteToolList>;
  /**
   * One read relayed to the server for a tools-mode server's caller (resources, prompts,
   * completions); its answer as the server gave it. To a server that speaks 2026-07-28 the caller's
   * declared capabilities go with it, and an input_required answer comes back as it is.
   */
  relay(endpoint: RemoteEndpoint, method: RelayedMethod, params: Record<string, unknown>, wire?: RelayWire): Promise<Record<string, unknown>>;
  /** Lists a hosted stdio server's tools on its sandboxed process (started if need be), within REMOTE_MCP_TIMEOUT_MS. */
  listHostedTools(target: HostedCommand): Promise<CachedTool[]>;
  /**
   * Whether a server is there and asks for OAuth: one unauthenticated initialize, bounded by
   * REMOTE_MCP_PROBE_TIMEOUT_MS, answered 401 with a Bearer challenge. Never throws.
   */
  asksForOAuth(url: URL): Promise<boolean>;
  /** One GET of the MCP registry (MCP_REGISTRY_URL) below its base URL: its JSON, unvalidated; bounded in time and size. */
  readRegistry(path: string, query: Record<string, string>): Promise<unknown>;
  /** Refuses (INVALID_REQUEST, field url) a URL whose host is, or resolves to, an address the egress policy forbids. */
  checkEgress(url: URL): Promise<void>;
  /** Standing sessions that hold a tools-mode server's resource subscriptions (docs/tools-mode.md). */
  resourceWatches: RemoteResourceWatches;
}

/**
 * This process's standing sessions with remote servers, one per `key` (a remote connector and the
 * credential it is reached with), shared by every subscriber, closed when idle, opened again
 * after a failure; the only remote connections Switchboard keeps open.
 */
export interface RemoteResourceWatches {
  /**
   * Subscribes to `uri` (resources/subscribe on the standing session, sent for its first watcher)
   * and calls `updated` on each `notifications/resources/updated` for it. Fails as the server
   * refused; the function it resolves to lets go (resources/unsubscribe after the last watcher).
   */
  watch(key: string, endpoint: RemoteEndpoint, uri: string, updated: (uri: string) => void): Promise<() => void>;
  /** Closes every standing session (the process is stopping). */
  close(): Promise<void>;
}

export interface RemoteToolList {
  tools: CachedTool[];
  protocolVersion: string;
  /** What the server declared (its tools, resources, prompts…): kept with the list. */
  capabilities: Record<string, unknown>;
}

/** How a read reaches the server: the revision it was found to speak, and what the caller declared. */
export interface RelayWire {
  protocolVersion?: string | null;
  callerCapabilities?: Record<string, unknown>;
}

/** The reads a tools-mode server relays to its remote MCP servers (docs/tools-mode.md). */
export type RelayedMethod = 'resources/list' | 'resources/templates/list' | 'resources/read' | 'prompts/list' | 'prompts/get' | 'completion/complete';

/** Everything remote MCP's use cases touch; the API's dependencies and management's include it. */
export interface RemoteMcpDependencies extends OAuthDependencies {
  config: Config;
  /** PUBLIC_URL, where users come back after signing in. */
  publicUrl: string;
  db: Db;
  secretBox: SecretBox;
  logger: Logger;
  remoteMcp: RemoteMcpPeers;
}
