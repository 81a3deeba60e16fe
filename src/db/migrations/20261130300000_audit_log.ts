import { sql, type Kysely } from 'kysely';

/**
 * audit_log: who changed what, append-only. A trigger refuses UPDATE always, and DELETE unless
 * the transaction declared itself the retention prune (src/db/repositories/audit.ts), so no code
 * path can rewrite history by accident.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('actor_user_id', 'text', (col) => col.notNull())
    .addColumn('actor_role', 'text', (col) => col.notNull())
    .addColumn('actor_via', 'text', (col) => col.notNull())
    .addColumn('actor_key_id', 'text')
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('target', 'jsonb', (col) => col.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addColumn('client_address', 'text')
    .addColumn('status', 'integer', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('audit_log_account_at_idx').on('audit_log').columns(['account_id', 'at']).execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['account_id', 'actor_user_id', 'at']).execute();
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and coalesce(current_setting('switchboard.audit_prune', true), '') = 'on' then
        return old;
      end if;
      raise exception 'audit_log is append-only';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await sql`drop function audit_log_append_only()`.execute(db);
}
