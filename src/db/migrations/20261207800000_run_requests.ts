import { sql, type Kysely } from 'kysely';

/** What a remote MCP server asked a running call's caller, and the caller's answer (tables/runRequests.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('run_requests')
    .addColumn('request_id', 'text', (col) => col.primaryKey())
    .addColumn('workflow_id', 'text', (col) => col.notNull())
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('method', 'text', (col) => col.notNull())
    .addColumn('params', 'jsonb', (col) => col.notNull())
    .addColumn('answer', 'jsonb')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('run_requests_workflow').on('run_requests').columns(['workflow_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('run_requests').execute();
}
