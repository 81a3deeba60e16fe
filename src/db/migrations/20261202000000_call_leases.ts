import { sql, type Kysely } from 'kysely';

/** Claims on an account's slow-call capacity (tables/callLeases.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('call_leases')
    .addColumn('lease_id', 'text', (col) => col.primaryKey())
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('server_id', 'text', (col) => col.notNull())
    .addColumn('workflow_id', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('seq', 'bigint', (col) => col.notNull().generatedAlwaysAsIdentity())
    .addColumn('queued_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('call_leases_account_state').on('call_leases').columns(['account_id', 'state', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('call_leases').execute();
}
