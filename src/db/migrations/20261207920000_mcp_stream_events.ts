import { sql, type Kysely } from 'kysely';

/** The events of 2025-11-25 SSE response streams, for resuming them on any API process (tables/mcpStreamEvents.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mcp_stream_events')
    .addColumn('stream_id', 'text', (col) => col.notNull())
    .addColumn('ordinal', 'integer', (col) => col.notNull())
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('server_id', 'text', (col) => col.notNull())
    .addColumn('session_id', 'text')
    .addColumn('message', 'text')
    .addColumn('ends_stream', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('mcp_stream_events_pkey', ['stream_id', 'ordinal'])
    .execute();
  await db.schema.createIndex('mcp_stream_events_created').on('mcp_stream_events').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mcp_stream_events').execute();
}
