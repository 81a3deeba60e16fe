import type { Kysely } from 'kysely';

/**
 * Which of a connector's auth variants a credential was made for (create_credential's `variant`,
 * e.g. Adafruit's key in the header or in the query). Null on older rows: the first method of
 * their type, which was the only one they could be made for.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('credentials').addColumn('variant', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('credentials').dropColumn('variant').execute();
}
