import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { RemoteMcpOAuthClientRow } from '../tables/remoteMcpOAuthClients.js';

export async function getRemoteMcpOAuthClient(db: Db, mcpConnectorId: string): Promise<RemoteMcpOAuthClientRow | undefined> {
  return db.selectFrom('mcp_oauth_clients').selectAll().where('mcp_connector_id', '=', mcpConnectorId).executeTakeFirst();
}

export interface RemoteMcpOAuthClientValues {
  resourceMetadataUrl?: string;
  resource?: string;
  issuer?: string;
  scopes?: string[] | null;
  serverMetadata?: Record<string, unknown>;
  registration?: 'cimd' | 'dcr' | 'preregistered';
  clientId?: string;
  tokenEndpointAuthMethod?: string;
  clientSecretEncrypted?: string | null;
  keyId?: string | null;
}

/** Writes what one discovery step learned; the other columns keep their values. */
export async function saveRemoteMcpOAuthClient(db: Db, mcpConnectorId: string, values: RemoteMcpOAuthClientValues): Promise<void> {
  const columns = {
    ...(values.resourceMetadataUrl !== undefined ? { resource_metadata_url: values.resourceMetadataUrl } : {}),
    ...(values.resource !== undefined ? { resource: values.resource } : {}),
    ...(values.issuer !== undefined ? { issuer: values.issuer } : {}),
    ...(values.scopes !== undefined ? { scopes: values.scopes === null ? null : JSON.stringify(values.scopes) } : {}),
    ...(values.serverMetadata !== undefined ? { server_metadata: JSON.stringify(values.serverMetadata) } : {}),
    ...(values.registration !== undefined ? { registration: values.registration } : {}),
    ...(values.clientId !== undefined ? { client_id: values.clientId } : {}),
    ...(values.tokenEndpointAuthMethod !== undefined ? { token_endpoint_auth_method: values.tokenEndpointAuthMethod } : {}),
    ...(values.clientSecretEncrypted !== undefined ? { client_secret_encrypted: values.clientSecretEncrypted } : {}),
    ...(values.keyId !== undefined ? { key_id: values.keyId } : {}),
  };
  await db
    .insertInto('mcp_oauth_clients')
    .values({ mcp_connector_id: mcpConnectorId, ...columns })
    .onConflict((oc) => oc.column('mcp_connector_id').doUpdateSet({ ...columns, updated_at: sql`now()` }))
    .execute();
}

/** Another authorization server: the client registered with the previous one is not used with it. */
export async function forgetRemoteMcpRegistration(db: Db, mcpConnectorId: string): Promise<void> {
  await db
    .updateTable('mcp_oauth_clients')
    .set({ server_metadata: null, registration: null, client_id: null, token_endpoint_auth_method: null, client_secret_encrypted: null, key_id: null, updated_at: sql`now()` })
    .where('mcp_connector_id', '=', mcpConnectorId)
    .execute();
}

/** A changed URL means another server (or authorization server): discovery starts over. */
export async function deleteRemoteMcpOAuthClient(db: Db, mcpConnectorId: string): Promise<void> {
  await db.deleteFrom('mcp_oauth_clients').where('mcp_connector_id', '=', mcpConnectorId).execute();
}

