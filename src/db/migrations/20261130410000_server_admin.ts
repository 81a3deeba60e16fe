import type { Kysely } from 'kysely';

/** Servers flagged admin also offer the management tools (src/api/mcp/tools/admin). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('servers')
    .addColumn('admin', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('servers').dropColumn('admin').execute();
}
