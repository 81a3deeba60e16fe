import type { ColumnType, Selectable } from 'kysely';

/**
 * A tools-mode caller's subscription to a remote MCP server's resource (docs/tools-mode.md): which
 * 2025-11-25 session, on which server, asked which remote server (`mcp_connector_id`) about which
 * URI. Written by the API process that answered resources/subscribe; the process holding the
 * session's standing GET stream subscribes it on its standing remote session and relays updates.
 */
export interface ResourceSubscriptionsTable {
  session_id: string;
  mcp_connector_id: string;
  uri: string;
  account_id: string;
  user_id: string;
  server_id: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export type ResourceSubscriptionRow = Selectable<ResourceSubscriptionsTable>;
