import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oauth_apps')
    .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('connector_id', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('client_secret_encrypted', 'text', (col) => col.notNull())
    .addColumn('key_id', 'text', (col) => col.notNull())
    .addColumn('client_secret_hint', 'text', (col) => col.notNull())
    .addColumn('scopes', 'jsonb')
    .addColumn('redirect_uris', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('token_endpoint_auth_method', 'text')
    .addColumn('authorization_url', 'text')
    .addColumn('token_url', 'text')
    .addColumn('revocation_url', 'text')
    .addColumn('issuer', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('oauth_apps_pk', ['account_id', 'connector_id'])
    .execute();

  await db.schema
    .createTable('oauth_attempts')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('connector_id', 'text', (col) => col.notNull())
    .addColumn('credential_id', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('error', 'text')
    .addColumn('error_description', 'text')
    .addColumn('state_hash', 'text', (col) => col.unique())
    .addColumn('code_verifier_encrypted', 'text')
    .addColumn('callback_encrypted', 'text')
    .addColumn('authorization_url', 'text')
    .addColumn('callback_url', 'text', (col) => col.notNull())
    .addColumn('redirect_uri', 'text')
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('callback_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('oauth_attempts_credential_idx').on('oauth_attempts').columns(['credential_id', 'created_at']).execute();

  await db.schema
    .alterTable('credentials')
    .addColumn('status_reason', 'text')
    .addColumn('token_obtained_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('credentials').dropColumn('status_reason').dropColumn('token_obtained_at').execute();
  await db.schema.dropTable('oauth_attempts').execute();
  await db.schema.dropTable('oauth_apps').execute();
}
