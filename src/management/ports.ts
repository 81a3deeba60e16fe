import type { Config } from '../config.js';
import type { OAuthDependencies } from '../credentials/ports.js';
import type { Db } from '../db/connect.js';
import type { CachedTool, McpConnectorRow } from '../db/tables/remoteMcpConnectors.js';
import type { SecretBox } from '../secrets/secretBox.js';

/**
 * What management's use cases set off outside the domain: durable work and the remote MCP
 * listing. Implemented in src/starters/throttle.ts and src/api/mcp/remoteConnectors.ts,
 * wired in src/app/start.ts.
 */
export interface ManagementPorts {
  /** After a rate-limit change: the connector's throttle schedules restart and its waiting runs wake. */
  rateLimitChanged(accountId: string, connectorId: string): Promise<void>;
  /** Connects to a simple remote MCP server, lists its tools and caches them. */
  refreshRemoteTools(row: McpConnectorRow): Promise<CachedTool[]>;
}

export interface ManagementDependencies extends OAuthDependencies {
  config: Config;
  publicUrl: string;
  db: Db;
  secretBox: SecretBox;
  management: ManagementPorts;
}
