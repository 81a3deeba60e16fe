import type { Kysely } from 'kysely';

/**
 * The start-up server's token, sealed (src/management/servers.ts, ensureStartServer): `npm start`
 * prints that server's working access URL at every start, so the token must be readable again.
 * Every other token stays stored as a hash only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('server_tokens').addColumn('token_sealed', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('server_tokens').dropColumn('token_sealed').execute();
}
