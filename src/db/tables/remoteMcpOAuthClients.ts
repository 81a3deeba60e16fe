import type { ColumnType, Selectable } from 'kysely';

/** Where an `oauth` remote MCP connector's tokens come from, learned by discovery (RFC 9728, RFC 8414) and registration. */
export interface RemoteMcpOAuthClientsTable {
  mcp_connector_id: string;
  /** From the server's 401 (WWW-Authenticate resource_metadata) or its well-known location. */
  resource_metadata_url: string | null;
  /** The protected resource identifier, sent as `resource` (RFC 8707) in authorization and token requests. */
  resource: string | null;
  issuer: string | null;
  /** scopes_supported of the protected resource: what the authorization request asks for. */
  scopes: ColumnType<string[] | null, string | null | undefined, string | null>;
  /** The authorization server's metadata, as discovered. */
  server_metadata: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** preregistered: given by the administrator with the connector (client id and secret). */
  registration: 'cimd' | 'dcr' | 'preregistered' | null;
  client_id: string | null;
  token_endpoint_auth_method: string | null;
  /** DCR or preregistered, when there is a secret: SecretBox.seal(secret, 'mcp-oauth-client:<mcpConnectorId>'). */
  client_secret_encrypted: string | null;
  key_id: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type RemoteMcpOAuthClientRow = Selectable<RemoteMcpOAuthClientsTable>;
