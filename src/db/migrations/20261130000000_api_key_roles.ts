import { sql, type Kysely } from 'kysely';

/** Keys created before roles existed were account-wide: they stay admins. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('api_keys')
    .addColumn('role', 'text', (col) => col.notNull().defaultTo('admin').check(sql`role in ('admin', 'operator', 'user')`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('role').execute();
}
