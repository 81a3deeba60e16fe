import { sql, type Kysely } from 'kysely';

/**
 * call_policies: an account's allow / deny / require_approval rules for tool calls, as validated
 * JSON (src/policy/callPolicySchemas.ts), with every version kept in call_policy_versions.
 * approvals: a run's request for a person's sign-off, bound to its arguments' digest, and the
 * decision (who, why, when). The wait itself is the run's (src/workflows/approval.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('call_policies')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('definition', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('call_policies_account_idx').on('call_policies').column('account_id').execute();
  await db.schema
    .createTable('call_policy_versions')
    .addColumn('policy_id', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('definition', 'jsonb')
    .addColumn('changed_by', 'text', (col) => col.notNull())
    .addColumn('changed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('call_policy_versions_pk', ['policy_id', 'version'])
    .execute();
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('account_id', 'text', (col) => col.notNull())
    .addColumn('workflow_id', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('server_id', 'text', (col) => col.notNull())
    .addColumn('connector_id', 'text', (col) => col.notNull())
    .addColumn('action_id', 'text', (col) => col.notNull())
    .addColumn('parameters', 'jsonb', (col) => col.notNull())
    .addColumn('digest', 'text', (col) => col.notNull())
    .addColumn('policy_id', 'text', (col) => col.notNull())
    .addColumn('policy_version', 'integer', (col) => col.notNull())
    .addColumn('policy_name', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_role', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('decided_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('approvals_account_status_idx').on('approvals').columns(['account_id', 'status', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('approvals').execute();
  await db.schema.dropTable('call_policy_versions').execute();
  await db.schema.dropTable('call_policies').execute();
}
