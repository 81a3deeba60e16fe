import { sql, type Kysely } from 'kysely';

/**
 * The sign-in authorization server's state (oidc-provider models: sessions, interactions, grants,
 * codes, tokens, registered clients) and its keys, in Postgres so every API replica serves the
 * same sign-ins. Payloads are sealed; ids are stored as SHA-256 because an opaque token's id is
 * the token.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signin_store')
    .addColumn('model', 'text', (col) => col.notNull())
    .addColumn('id_hash', 'text', (col) => col.notNull())
    .addColumn('payload_sealed', 'text', (col) => col.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('consumed_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addPrimaryKeyConstraint('signin_store_pk', ['model', 'id_hash'])
    .execute();
  await db.schema.createIndex('signin_store_grant_idx').on('signin_store').column('grant_id').execute();
  await db.schema.createIndex('signin_store_uid_idx').on('signin_store').columns(['model', 'uid']).execute();
  await db.schema.createIndex('signin_store_expires_idx').on('signin_store').column('expires_at').execute();
  await db.schema
    .createTable('signin_keys')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('keys_sealed', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('signin_keys').execute();
  await db.schema.dropTable('signin_store').execute();
}
