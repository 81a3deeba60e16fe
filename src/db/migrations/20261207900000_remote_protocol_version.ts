import type { Kysely } from 'kysely';

/**
 * The protocol revision a remote MCP server speaks, found when its tools are listed (2026-07-28
 * tried first), so a call needs no probe; and a relayed request's key, the name the server gave
 * an input request of its 2026-07-28 input_required answer (tables/runRequests.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mcp_connectors').addColumn('protocol_version', 'text').execute();
  await db.schema.alterTable('run_requests').addColumn('input_key', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('run_requests').dropColumn('input_key').execute();
  await db.schema.alterTable('mcp_connectors').dropColumn('protocol_version').execute();
}
