import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { SecretBox } from './secretBox.js';

/**
 * Every sealed column, with the associated data its values were sealed under. A new sealed
 * column must be listed here, or rotation leaves it on the old key.
 */
const sealedColumns = [
  { table: 'credentials', column: 'secrets_encrypted', keyColumn: 'key_id', id: ['id'], context: (row) => `credential:${row.id}` },
  {
    table: 'oauth_apps',
    column: 'client_secret_encrypted',
    keyColumn: 'key_id',
    id: ['account_id', 'connector_id'],
    context: (row) => `oauth-app:${row.account_id}:${row.connector_id}`,
  },
  { table: 'oauth_attempts', column: 'code_verifier_encrypted', id: ['id'], context: (row) => `oauth-attempt:${row.id}:verifier` },
  { table: 'oauth_attempts', column: 'callback_encrypted', id: ['id'], context: (row) => `oauth-attempt:${row.id}:callback` },
  { table: 'accounts', column: 'user_token_secret_encrypted', id: ['id'], context: (row) => `account:${row.id}` },
  { table: 'mcp_connectors', column: 'headers_encrypted', keyColumn: 'key_id', id: ['id'], context: (row) => `mcp-connector:${row.id}` },
  { table: 'mcp_connectors', column: 'url_encrypted', id: ['id'], context: (row) => `mcp-connector-url:${row.id}` },
  { table: 'mcp_connectors', column: 'stdio_encrypted', id: ['id'], context: (row) => `mcp-connector-stdio:${row.id}` },
  {
    table: 'account_variables',
    column: 'value_encrypted',
    keyColumn: 'key_id',
    id: ['account_id', 'name'],
    context: (row) => `variable:${row.account_id}:${row.name}`,
  },
  // A client secret Dynamic Client Registration issued for a remote MCP connector (upstream/remoteMcp/oauthDiscovery.ts).
  {
    table: 'mcp_oauth_clients',
    column: 'client_secret_encrypted',
    keyColumn: 'key_id',
    id: ['mcp_connector_id'],
    context: (row) => `mcp-oauth-client:${row.mcp_connector_id}`,
  },
  // The start-up server's access token, printed by `npm start` (src/management/servers.ts).
  { table: 'server_tokens', column: 'token_sealed', id: ['id'], context: (row) => `server-token:${row.id}` },
  // The sign-in server's state and keys (src/api/signin).
  { table: 'signin_store', column: 'payload_sealed', id: ['model', 'id_hash'], context: (row) => `signin:${row.model}:${row.id_hash}` },
  { table: 'signin_keys', column: 'keys_sealed', id: ['id'], context: () => 'signin:keys' },
] as const satisfies ReadonlyArray<{
  table: string;
  column: string;
  keyColumn?: string;
  id: readonly string[];
  context: (row: Record<string, string>) => string;
}>;

const BATCH = 200;

/**
 * Re-seals every secret under the SecretBox's current key. Run while the old keys are still in
 * ENCRYPTION_KEYS_PREVIOUS: rows stay readable throughout, and each UPDATE only lands if the value
 * is unchanged, so a refresh writing new tokens meanwhile is never overwritten with stale ones.
 * Returns how many values moved to the current key, per table.column.
 */
export async function rotateEncryptionKeys(db: Db, secretBox: SecretBox): Promise<Record<string, number>> {
  const current = `v1.${secretBox.currentKeyId}.%`;
  const counts: Record<string, number> = {};
  for (const spec of sealedColumns) {
    const name = `${spec.table}.${spec.column}`;
    counts[name] = 0;
    for (;;) {
      const { rows } = await sql<Record<string, string>>`
        select ${sql.join(spec.id.map((column) => sql.ref(column)))}, ${sql.ref(spec.column)} as sealed
        from ${sql.table(spec.table)}
        where ${sql.ref(spec.column)} is not null and ${sql.ref(spec.column)} not like ${current}
        limit ${BATCH}`.execute(db);
      if (rows.length === 0) break;
      let moved = 0;
      for (const row of rows) {
        const context = spec.context(row as never);
        const resealed = secretBox.seal(secretBox.open(row.sealed!, context), context);
        const keyUpdate = 'keyColumn' in spec ? sql`, ${sql.ref(spec.keyColumn)} = ${secretBox.currentKeyId}` : sql``;
        const match = sql.join(spec.id.map((column) => sql`${sql.ref(column)} = ${row[column]}`), sql` and `);
        const result = await sql`
          update ${sql.table(spec.table)} set ${sql.ref(spec.column)} = ${resealed}${keyUpdate}
          where ${match} and ${sql.ref(spec.column)} = ${row.sealed}`.execute(db);
        moved += Number(result.numAffectedRows ?? 0n);
      }
      counts[name] += moved;
      // Every row in this batch changed under us (concurrent writers re-sealed them already): look again.
      if (moved === 0 && rows.length < BATCH) break;
    }
  }
  return counts;
}
