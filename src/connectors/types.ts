import type { ConnectorDefinition, ConnectorSummary, RateLimit } from './schema.js';

/** Connector types, in a leaf module: the registry and every source that builds a Connector import them. */

export interface ConnectorSettings {
  baseUrl?: string;
  baseUrlVariables: Record<string, string>;
  enabled: boolean;
  rateLimit?: RateLimit;
}

/** Where a remote connector's row and each tool's full input schema travel with the Connector. */
interface RemoteMcpBinding {
  mcpConnectorId: string;
  cachedAt: Date | null;
  inputSchemas: Record<string, Record<string, unknown>>;
  /** What else each tool declared, relayed by tools-mode servers (docs/tools-mode.md). */
  tools?: Record<string, { title?: string; annotations?: Record<string, unknown>; outputSchema?: Record<string, unknown> }>;
}

/** Where a plugin's version, exports and allowed hosts travel with the Connector. */
interface PluginBinding {
  pluginId: string;
  /** The version this Connector was read at: the one an attempt runs and its result records. */
  version: number;
  /** Action id → the module's exported function. */
  exports: Record<string, string>;
  allowedHosts: string[];
}

/** A connector as one account sees it: its definition with the account's settings applied. */
export interface Connector extends Omit<ConnectorDefinition, 'source'> {
  origin: 'catalog' | 'custom' | 'remote-mcp' | 'plugin';
  source?: ConnectorDefinition['source'];
  settings: ConnectorSettings;
  /** The connector's own rate limit, when the account's (settings.rateLimit, then in rateLimit) replaces it. */
  ownRateLimit?: RateLimit;
  /** Remote MCP connectors only: which row, and each tool's full input schema. */
  remoteMcp?: RemoteMcpBinding;
  /** WASM plugins only. */
  plugin?: PluginBinding;
}

export interface ConnectorListing extends ConnectorSummary {
  origin: Connector['origin'];
  enabled: boolean;
  /** A custom connector's action ids and titles, for search (never part of an answer). */
  actionWords?: string;
}
