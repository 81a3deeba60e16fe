import { sql } from 'kysely';
import type { Db } from '../connect.js';

/**
 * A fingerprint of everything a tools-mode server's tool list is built from, besides the server row
 * itself and the caller (which the front door reads on every request): the server's assignments,
 * and the account's connector settings (their version, from a sequence), custom connectors,
 * plugins, remote MCP servers with their cached tool lists, and which credentials exist in which
 * status (an `oauth` remote server is offered once the user connected it). One statement; any
 * write by any process changes it, so a process may keep a list it built under this fingerprint.
 * Credentials count by id and status only: their use (last_used_at) and refreshes change no list.
 */
export async function toolsListVersion(db: Db, accountId: string, serverId: string): Promise<string> {
  const { rows } = await sql<{ version: string }>`
    select concat_ws('|',
      (select coalesce(max(version), 0) || '/' || count(*) from connector_settings where account_id = ${accountId}),
      (select md5(coalesce(string_agg(a::text, ',' order by a::text), '')) from server_connector_assignments a where a.server_id = ${serverId}),
      (select md5(coalesce(string_agg(c::text, ',' order by c::text), '')) from custom_connectors c where c.account_id = ${accountId}),
      (select md5(coalesce(string_agg(p::text, ',' order by p::text), '')) from plugins p where p.account_id = ${accountId}),
      (select md5(coalesce(string_agg(m::text, ',' order by m::text), '')) from mcp_connectors m where m.account_id = ${accountId}),
      (select md5(coalesce(string_agg(k.id || ':' || k.status, ',' order by k.id), '')) from credentials k where k.account_id = ${accountId})
    ) as version`.execute(db);
  return rows[0]!.version;
}
