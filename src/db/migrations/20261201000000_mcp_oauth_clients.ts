import { sql, type Kysely } from 'kysely';

/**
 * What Switchboard learned about an `oauth` remote MCP connector's authorization server, and the
 * client it registered there (Client ID Metadata Document or Dynamic Client Registration). Filled
 * step by step by the oauthHandshake workflow's discovery activities, one row per connector.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mcp_oauth_clients')
    .addColumn('mcp_connector_id', 'text', (col) => col.primaryKey().references('mcp_connectors.id').onDelete('cascade'))
    .addColumn('resource_metadata_url', 'text')
    .addColumn('resource', 'text')
    .addColumn('issuer', 'text')
    .addColumn('scopes', 'jsonb')
    .addColumn('server_metadata', 'jsonb')
    .addColumn('registration', 'text', (col) => col.check(sql`registration in ('cimd', 'dcr')`))
    .addColumn('client_id', 'text')
    .addColumn('token_endpoint_auth_method', 'text')
    .addColumn('client_secret_encrypted', 'text')
    .addColumn('key_id', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mcp_oauth_clients').execute();
}
