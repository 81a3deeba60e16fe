import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('throttle_slots')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('tat_ms', 'double precision', (col) => col.notNull())
    .addColumn('last_slot_ms', 'double precision', (col) => col.notNull())
    .addColumn('paused_until_ms', 'double precision', (col) => col.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('throttle_slots').execute();
}
