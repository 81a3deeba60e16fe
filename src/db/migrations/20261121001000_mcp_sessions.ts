import { sql, type Kysely } from 'kysely';

/**
 * mcp_sessions: what a client declared at initialize, found again through the Mcp-Session-Id we
 * hand out, because every MCP request meets a fresh protocol server. credential_waiters: runs
 * waiting for a user to finish authorizing, signalled when the attempt ends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mcp_sessions')
    .addColumn('session_id', 'text', (col) => col.primaryKey())
    .addColumn('account_id', 'text', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('server_id', 'text', (col) => col.notNull())
    .addColumn('protocol_version', 'text', (col) => col.notNull())
    .addColumn('capabilities', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('credential_waiters')
    .addColumn('workflow_id', 'text', (col) => col.primaryKey())
    .addColumn('credential_id', 'text', (col) => col.notNull())
    .addColumn('attempt_id', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('credential_waiters_credential_idx').on('credential_waiters').column('credential_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('credential_waiters').execute();
  await db.schema.dropTable('mcp_sessions').execute();
}
