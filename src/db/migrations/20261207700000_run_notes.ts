import { sql, type Kysely } from 'kysely';

/** What a remote MCP server told a running call, for the caller's front door (tables/runNotes.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('run_notes')
    .addColumn('seq', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('workflow_id', 'text', (col) => col.notNull())
    .addColumn('note', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('run_notes_workflow').on('run_notes').columns(['workflow_id', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('run_notes').execute();
}
