import type { Kysely } from 'kysely';

/** The level a client chose with logging/setLevel, kept with its session like its capabilities. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mcp_sessions').addColumn('log_level', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mcp_sessions').dropColumn('log_level').execute();
}
