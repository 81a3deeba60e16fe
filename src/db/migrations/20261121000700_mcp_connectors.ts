import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mcp_connectors')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('slug', 'text', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull().check(sql`type in ('simple', 'oauth')`))
    .addColumn('category', 'text', (col) => col.notNull().defaultTo('other'))
    .addColumn('url', 'text')
    .addColumn('headers_encrypted', 'text')
    .addColumn('key_id', 'text')
    .addColumn('oauth_mcp', 'text')
    .addColumn('tools', 'jsonb')
    .addColumn('tools_cached_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('mcp_connectors_account_name_unique', ['account_id', 'name'])
    // The slug is the connector id agents see (mcp-<slug>), so it must be unique too.
    .addUniqueConstraint('mcp_connectors_account_slug_unique', ['account_id', 'slug'])
    .execute();

  await db.schema
    .createTable('account_variables')
    .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('value_encrypted', 'text', (col) => col.notNull())
    .addColumn('key_id', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('account_variables_pk', ['account_id', 'name'])
    .execute();

  await db.schema
    .createTable('server_connector_assignments')
    .addColumn('server_id', 'text', (col) => col.notNull().references('servers.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('connector', 'mcp', 'oauth')`))
    .addColumn('target_id', 'text', (col) => col.notNull())
    // Set for kind 'mcp' only: deleting the remote connector removes its assignments.
    .addColumn('mcp_connector_id', 'text', (col) => col.references('mcp_connectors.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('server_connector_assignments_pk', ['server_id', 'kind', 'target_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('server_connector_assignments').execute();
  await db.schema.dropTable('account_variables').execute();
  await db.schema.dropTable('mcp_connectors').execute();
}
