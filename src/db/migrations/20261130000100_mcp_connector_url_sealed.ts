import type { Kysely } from 'kysely';

/**
 * Remote MCP connector URLs can carry secrets (a key in the query or the path), so they are
 * sealed like the headers: url_encrypted holds the URL, and url keeps only a masked form to show.
 * Rows written before this are sealed at start-up (sealPlainConnectorUrls), which needs the key a
 * migration does not have. The indexes serve the worker's periodic cleanup of expired state.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mcp_connectors').addColumn('url_encrypted', 'text').execute();
  await db.schema.createIndex('mcp_sessions_created_idx').on('mcp_sessions').column('created_at').execute();
  await db.schema.createIndex('upstream_sends_sent_idx').on('upstream_sends').column('sent_at').execute();
  await db.schema.createIndex('rate_buckets_updated_idx').on('rate_buckets').column('updated_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('rate_buckets_updated_idx').execute();
  await db.schema.dropIndex('upstream_sends_sent_idx').execute();
  await db.schema.dropIndex('mcp_sessions_created_idx').execute();
  await db.schema.alterTable('mcp_connectors').dropColumn('url_encrypted').execute();
}
