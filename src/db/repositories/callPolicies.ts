import type { Db } from '../connect.js';
import type { ApprovalsTable } from '../tables/callPolicies.js';
import type { Selectable } from 'kysely';

export type CallPolicyRow = { id: string; account_id: string; version: number; definition: Record<string, unknown>; created_at: Date; updated_at: Date };
export type ApprovalRow = Selectable<ApprovalsTable>;

export async function listCallPolicies(db: Db, accountId: string): Promise<CallPolicyRow[]> {
  return db.selectFrom('call_policies').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
}

export async function getCallPolicy(db: Db, accountId: string, id: string): Promise<CallPolicyRow | undefined> {
  return db.selectFrom('call_policies').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** A new policy, or a new version of one: the row and its version history change together. */
export async function saveCallPolicy(
  db: Db,
  policy: { id: string; accountId: string; definition: Record<string, unknown>; changedBy: string; expectedVersion?: number },
): Promise<CallPolicyRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const definition = JSON.stringify(policy.definition);
    const row =
      policy.expectedVersion === undefined
        ? await trx.insertInto('call_policies').values({ id: policy.id, account_id: policy.accountId, version: 1, definition }).returningAll().executeTakeFirstOrThrow()
        : await trx
            .updateTable('call_policies')
            .set((eb) => ({ definition, version: eb('version', '+', 1), updated_at: new Date() }))
            .where('id', '=', policy.id)
            .where('account_id', '=', policy.accountId)
            .where('version', '=', policy.expectedVersion)
            .returningAll()
            .executeTakeFirst();
    if (!row) return undefined;
    await trx
      .insertInto('call_policy_versions')
      .values({ policy_id: row.id, version: row.version, account_id: row.account_id, definition, changed_by: policy.changedBy })
      .execute();
    return row;
  });
}

export async function deleteCallPolicy(db: Db, accountId: string, id: string, changedBy: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('call_policies').where('account_id', '=', accountId).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) return false;
    await trx
      .insertInto('call_policy_versions')
      .values({ policy_id: id, version: row.version + 1, account_id: accountId, definition: null, changed_by: changedBy })
      .execute();
    return true;
  });
}

/** Recorded by the waiting run; a replayed activity finds its own row. */
export async function insertApproval(
  db: Db,
  approval: Omit<ApprovalRow, 'status' | 'created_at' | 'decided_by' | 'decided_role' | 'decision_reason' | 'decided_at' | 'parameters'> & { parameters: string },
): Promise<void> {
  await db
    .insertInto('approvals')
    .values({ ...approval, status: 'pending' })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function getApproval(db: Db, accountId: string, id: string): Promise<ApprovalRow | undefined> {
  return db.selectFrom('approvals').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function listApprovals(db: Db, accountId: string, filter: { status?: ApprovalRow['status']; limit: number }): Promise<ApprovalRow[]> {
  let query = db.selectFrom('approvals').selectAll().where('account_id', '=', accountId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/** The decision, once: a request already decided keeps its first decision. */
export async function settleApproval(
  db: Db,
  id: string,
  decision: { status: Exclude<ApprovalRow['status'], 'pending'>; decidedBy?: string; decidedRole?: string; reason?: string },
): Promise<void> {
  await db
    .updateTable('approvals')
    .set({
      status: decision.status,
      decided_by: decision.decidedBy ?? null,
      decided_role: decision.decidedRole ?? null,
      decision_reason: decision.reason ?? null,
      decided_at: new Date(),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}
