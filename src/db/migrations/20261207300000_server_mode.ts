import type { Kysely } from 'kysely';

/** A server's mode (docs/tools-mode.md): the meta-tools ("connectivity", as before) or each action as its own tool ("tools"). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('servers')
    .addColumn('mode', 'text', (col) => col.notNull().defaultTo('connectivity'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('servers').dropColumn('mode').execute();
}
