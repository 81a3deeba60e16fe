import { sql, type Kysely } from 'kysely';

/**
 * WASM plugins (docs/hosted.md#wasm-plugins): a plugin is a name in an account, each upload a new
 * version with its module and manifest. Versions are never changed, so a run's recorded version
 * names exactly the code that ran.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('plugins')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('slug', 'text', (col) => col.notNull())
    .addColumn('latest_version', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('plugins_account_slug_unique', ['account_id', 'slug'])
    .execute();
  await db.schema
    .createTable('plugin_versions')
    .addColumn('plugin_id', 'text', (col) => col.notNull().references('plugins.id').onDelete('cascade'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('manifest', 'jsonb', (col) => col.notNull())
    .addColumn('module', 'bytea', (col) => col.notNull())
    .addColumn('sha256', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('plugin_versions_pk', ['plugin_id', 'version'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('plugin_versions').execute();
  await db.schema.dropTable('plugins').execute();
}
