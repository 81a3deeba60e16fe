import { sql, type Kysely } from 'kysely';

/** A rate-limit change starts a new generation of a key's schedule: slots reserved before it are void. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('throttle_slots')
    .addColumn('generation', 'integer', (col) => col.notNull().defaultTo(sql`0`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('throttle_slots').dropColumn('generation').execute();
}
