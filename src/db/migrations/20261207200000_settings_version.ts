import { sql, type Kysely } from 'kysely';

/**
 * connector_settings.version: taken from a sequence on every write, so a value is never reused
 * (not even after a row is deleted and written again). A process may keep settings it read, by
 * version, and check in the statement that uses them that the row still has that version.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence connector_settings_version`.execute(db);
  await db.schema
    .alterTable('connector_settings')
    .addColumn('version', 'bigint', (col) => col.notNull().defaultTo(sql`nextval('connector_settings_version')`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('connector_settings').dropColumn('version').execute();
  await sql`drop sequence connector_settings_version`.execute(db);
}
