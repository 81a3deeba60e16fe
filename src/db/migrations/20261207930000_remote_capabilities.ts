import { sql, type Kysely } from 'kysely';

/**
 * The capabilities a remote MCP server declared when its tools were last listed, kept with the
 * list: a server that declares no tools is not asked for them, and a tools-mode initialize reads
 * `resources.subscribe` from here instead of connecting. Lists kept before are listed again on
 * their next use, so every kept list has its server's capabilities.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mcp_connectors').addColumn('capabilities', 'jsonb').execute();
  await sql`update mcp_connectors set tools_cached_at = null where type <> 'stdio'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mcp_connectors').dropColumn('capabilities').execute();
}
