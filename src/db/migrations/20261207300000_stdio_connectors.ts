import { sql, type Kysely } from 'kysely';

/**
 * Hosted stdio MCP connectors (docs/hosted.md) are rows of mcp_connectors of type `stdio`: they
 * share the remote connectors' ids, assignments, tool cache and variables. Their command,
 * arguments, environment and network choice are sealed in stdio_encrypted (environment values may
 * be secrets, and an argument may be one too).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mcp_connectors').dropConstraint('mcp_connectors_type_check').execute();
  await db.schema
    .alterTable('mcp_connectors')
    .addCheckConstraint('mcp_connectors_type_check', sql`type in ('simple', 'oauth', 'stdio')`)
    .execute();
  await db.schema.alterTable('mcp_connectors').addColumn('stdio_encrypted', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.deleteFrom('mcp_connectors' as never).where('type' as never, '=', 'stdio' as never).execute();
  await db.schema.alterTable('mcp_connectors').dropColumn('stdio_encrypted').execute();
  await db.schema.alterTable('mcp_connectors').dropConstraint('mcp_connectors_type_check').execute();
  await db.schema.alterTable('mcp_connectors').addCheckConstraint('mcp_connectors_type_check', sql`type in ('simple', 'oauth')`).execute();
}
