import { sql, type Kysely } from 'kysely';

/**
 * A remote MCP connector's OAuth client may be one the administrator registered by hand with an
 * authorization server that offers neither Client ID Metadata Documents nor Dynamic Client
 * Registration (`registration = 'preregistered'`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mcp_oauth_clients drop constraint mcp_oauth_clients_registration_check`.execute(db);
  await sql`alter table mcp_oauth_clients add constraint mcp_oauth_clients_registration_check check (registration in ('cimd', 'dcr', 'preregistered'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from mcp_oauth_clients where registration = 'preregistered'`.execute(db);
  await sql`alter table mcp_oauth_clients drop constraint mcp_oauth_clients_registration_check`.execute(db);
  await sql`alter table mcp_oauth_clients add constraint mcp_oauth_clients_registration_check check (registration in ('cimd', 'dcr'))`.execute(db);
}
