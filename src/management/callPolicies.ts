import { deleteCallPolicy, getCallPolicy, listCallPolicies, saveCallPolicy, type CallPolicyRow } from '../db/repositories/callPolicies.js';
import type { Db } from '../db/connect.js';
import { NotFoundError } from '../errors.js';
import { callPolicyInput, type CallPolicyInput, type CallPolicyResponse } from '../policy/callPolicySchemas.js';
import type { Caller } from '../policy/roles.js';
import { newId } from '../secrets/tokens.js';

/** Call policies as data (docs/approvals.md): what REST /api/policies and the console's editor answer. */

function policyView(row: CallPolicyRow): CallPolicyResponse {
  return {
    ...callPolicyInput.parse(row.definition),
    id: row.id,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function listPolicyViews(db: Db, caller: Pick<Caller, 'accountId'>) {
  return { policies: (await listCallPolicies(db, caller.accountId)).map(policyView) };
}

async function ownPolicy(db: Db, caller: Pick<Caller, 'accountId'>, id: string): Promise<CallPolicyRow> {
  const row = await getCallPolicy(db, caller.accountId, id);
  if (!row) throw new NotFoundError('No such policy', { policyId: id });
  return row;
}

export async function getPolicyView(db: Db, caller: Pick<Caller, 'accountId'>, id: string): Promise<CallPolicyResponse> {
  return policyView(await ownPolicy(db, caller, id));
}

export async function createPolicy(db: Db, caller: Caller, input: CallPolicyInput): Promise<CallPolicyResponse> {
  const row = await saveCallPolicy(db, { id: newId('pol'), accountId: caller.accountId, definition: input, changedBy: caller.userId });
  return policyView(row!);
}

/** A new version: the definition replaced whole; runs already waiting keep the version that asked for their approval. */
export async function updatePolicy(db: Db, caller: Caller, id: string, input: CallPolicyInput): Promise<CallPolicyResponse> {
  const current = await ownPolicy(db, caller, id);
  const row = await saveCallPolicy(db, { id, accountId: caller.accountId, definition: input, changedBy: caller.userId, expectedVersion: current.version });
  // Another update landed between the read and the write: the caller's view is stale.
  if (!row) throw new NotFoundError('The policy changed or went while it was updated; read it again', { policyId: id });
  return policyView(row);
}

export async function removePolicy(db: Db, caller: Caller, id: string): Promise<{ message: string; id: string }> {
  if (!(await deleteCallPolicy(db, caller.accountId, id, caller.userId))) throw new NotFoundError('No such policy', { policyId: id });
  return { message: 'Policy deleted', id };
}
