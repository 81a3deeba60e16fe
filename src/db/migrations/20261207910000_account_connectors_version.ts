import { sql, type Kysely } from 'kysely';

/**
 * account_connectors_version: one row per account, given a new value from a sequence by a trigger
 * on every write to the account's connector settings, custom connectors and plugins, in the
 * writing transaction. A value is never reused, so a process may keep what it read of those
 * tables with the version read by the same statement, and use its copy while the front door's
 * statement (src/db/repositories/frontDoor.ts) still reads that version.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence account_connectors_version_seq`.execute(db);
  await db.schema
    .createTable('account_connectors_version')
    .addColumn('account_id', 'text', (col) => col.primaryKey())
    .addColumn('version', 'bigint', (col) => col.notNull())
    .execute();
  await sql`
    create function bump_account_connectors_version() returns trigger language plpgsql as $$
    declare
      account text := case when tg_op = 'DELETE' then old.account_id else new.account_id end;
    begin
      insert into account_connectors_version (account_id, version) values (account, nextval('account_connectors_version_seq'))
        on conflict (account_id) do update set version = excluded.version;
      if tg_op = 'UPDATE' and old.account_id <> new.account_id then
        insert into account_connectors_version (account_id, version) values (old.account_id, nextval('account_connectors_version_seq'))
          on conflict (account_id) do update set version = excluded.version;
      end if;
      return null;
    end
    $$`.execute(db);
  for (const table of ['connector_settings', 'custom_connectors', 'plugins']) {
    await sql`
      create trigger ${sql.raw(`${table}_bump_account_connectors_version`)} after insert or update or delete on ${sql.table(table)}
      for each row execute function bump_account_connectors_version()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['connector_settings', 'custom_connectors', 'plugins']) {
    await sql`drop trigger ${sql.raw(`${table}_bump_account_connectors_version`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`drop function bump_account_connectors_version()`.execute(db);
  await db.schema.dropTable('account_connectors_version').execute();
  await sql`drop sequence account_connectors_version_seq`.execute(db);
}
