import type { ColumnType, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** One MCP initialize: the client's capabilities, owned by (account, user, server). */
export interface McpSessionsTable {
  session_id: string;
  account_id: string;
  user_id: string;
  server_id: string;
  protocol_version: string;
  capabilities: ColumnType<Record<string, unknown>, string, string>;
  /** Set by logging/setLevel; null until then. */
  log_level: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

/** A run waiting for a credential; the attempt whose failure ends the wait. */
export interface CredentialWaitersTable {
  workflow_id: string;
  credential_id: string;
  attempt_id: string;
  created_at: CreatedAt;
}

export type McpSessionRow = Selectable<McpSessionsTable>;
export type CredentialWaiterRow = Selectable<CredentialWaitersTable>;
