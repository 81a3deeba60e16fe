import { sql, type Kysely } from 'kysely';

/**
 * A tools-mode caller's resource subscriptions (tables/resourceSubscriptions.ts): gone with the
 * caller's session (its DELETE, or the cleanup of old sessions) and with the remote server.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('resource_subscriptions')
    .addColumn('session_id', 'text', (col) => col.notNull().references('mcp_sessions.session_id').onDelete('cascade'))
    .addColumn('mcp_connector_id', 'text', (col) => col.notNull().references('mcp_connectors.id').onDelete('cascade'))
    .addColumn('uri', 'text', (col) => col.notNull())
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('server_id', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('resource_subscriptions_pk', ['session_id', 'mcp_connector_id', 'uri'])
    .execute();
  await db.schema.createIndex('resource_subscriptions_connector').on('resource_subscriptions').column('mcp_connector_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('resource_subscriptions').execute();
}
