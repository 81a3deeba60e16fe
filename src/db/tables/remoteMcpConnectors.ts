import type { ColumnType, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export const remoteMcpConnectorTypes = ['simple', 'oauth', 'stdio'] as const;
export type RemoteMcpConnectorType = (typeof remoteMcpConnectorTypes)[number];

/** A tool as the remote server listed it (MCP tools/list), kept so listings need no round trip. */
export interface CachedTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: { title?: string; readOnlyHint?: boolean; idempotentHint?: boolean; destructiveHint?: boolean; openWorldHint?: boolean };
  /** Lists cached before tools mode have none. */
  outputSchema?: Record<string, unknown>;
}

/** An external MCP server an account registered. */
export interface RemoteMcpConnectorsTable {
  id: string;
  account_id: string;
  name: string;
  /** From the name; the connector id agents see is `mcp-<slug>`. */
  slug: string;
  type: RemoteMcpConnectorType;
  category: ColumnType<string, string | undefined, string>;
  /** simple only: the URL masked for display (scheme and host; path and query hidden). */
  url: string | null;
  /** simple only: SecretBox.seal(URL, 'mcp-connector-url:<id>'); may contain {{variable}} references, substituted at run time. */
  url_encrypted: ColumnType<string | null, string | null | undefined, string | null>;
  /** SecretBox.seal(JSON of the header map, 'mcp-connector:<id>'): values may be secrets. */
  headers_encrypted: string | null;
  key_id: string | null;
  /** stdio only: SecretBox.seal(JSON of the command, arguments, environment and network choice, 'mcp-connector-stdio:<id>'). */
  stdio_encrypted: ColumnType<string | null, string | null | undefined, string | null>;
  /** oauth only: the predefined entry id (src/remoteMcp/predefinedEntries.ts). */
  oauth_mcp: string | null;
  tools: ColumnType<CachedTool[] | null, string | null | undefined, string | null>;
  tools_cached_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The protocol revision the server answered when its tools were last listed (2026-07-28 tried first); null before, and for stdio. */
  protocol_version: ColumnType<string | null, string | null | undefined, string | null>;
  /** The capabilities the server declared when its tools were last listed; null before, and for stdio. */
  capabilities: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AccountVariablesTable {
  account_id: string;
  name: string;
  /** SecretBox.seal(value, 'variable:<accountId>:<name>'). */
  value_encrypted: string;
  key_id: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type AssignmentKind = 'connector' | 'mcp' | 'oauth';

/** One connector assigned to a server: a catalogue/custom connector, a remote MCP connector or a predefined oauth entry. */
export interface ServerConnectorAssignmentsTable {
  server_id: string;
  kind: AssignmentKind;
  target_id: string;
  mcp_connector_id: string | null;
  created_at: CreatedAt;
}

export type RemoteMcpConnectorRow = Selectable<RemoteMcpConnectorsTable>;
export type AccountVariableRow = Selectable<AccountVariablesTable>;
export type AssignmentRow = Selectable<ServerConnectorAssignmentsTable>;
