import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { getApproval, listApprovals, type ApprovalRow } from '../db/repositories/callPolicies.js';
import type { Db } from '../db/connect.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Caller } from '../policy/roles.js';
import type { ApprovalResponse } from '../policy/callPolicySchemas.js';
import { approvalDecisionUpdate, type ApprovalDecision } from '../workflows/contracts/approval.js';
import type { TemporalHandle } from './temporal.js';

/**
 * Approvers' side of a run's approval wait (src/workflows/approval.ts): the requests an account's
 * runs wait on, and a decision, which is an update of the waiting run. For REST
 * (/api/approvals) and the admin MCP tools alike.
 */

interface ApprovalDeps {
  db: Db;
  temporal: TemporalHandle;
}

function approvalView(row: ApprovalRow): ApprovalResponse {
  return {
    id: row.id,
    status: row.status,
    workflowId: row.workflow_id,
    userId: row.user_id,
    serverId: row.server_id,
    connectorId: row.connector_id,
    actionId: row.action_id,
    parameters: row.parameters,
    argumentsDigest: row.digest,
    policy: { id: row.policy_id, version: row.policy_version, name: row.policy_name },
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    ...(row.decided_role ? { decidedRole: row.decided_role } : {}),
    ...(row.decision_reason ? { decisionReason: row.decision_reason } : {}),
    ...(row.decided_at ? { decidedAt: row.decided_at.toISOString() } : {}),
  };
}

export async function listApprovalViews(deps: Pick<ApprovalDeps, 'db'>, caller: Pick<Caller, 'accountId'>, query: { status?: ApprovalRow['status']; limit: number }) {
  const rows = await listApprovals(deps.db, caller.accountId, query);
  return { approvals: rows.map(approvalView) };
}

export async function getApprovalView(deps: Pick<ApprovalDeps, 'db'>, caller: Pick<Caller, 'accountId'>, approvalId: string): Promise<ApprovalResponse> {
  const row = await getApproval(deps.db, caller.accountId, approvalId);
  if (!row) throw new NotFoundError('No such approval request', { approvalId });
  return approvalView(row);
}

/**
 * An approver's decision, sent to the waiting run as the approvalDecision update. Refused with
 * CONFLICT when the request is decided already, or the digest is not the one it waits with (the
 * run's validator says the same, so a stale row cannot let it through).
 */
export async function decideApproval(
  deps: ApprovalDeps,
  caller: Caller,
  input: { approvalId: string; digest: string; reason?: string },
  decision: ApprovalDecision['decision'],
): Promise<ApprovalResponse> {
  const row = await getApproval(deps.db, caller.accountId, input.approvalId);
  if (!row) throw new NotFoundError('No such approval request', { approvalId: input.approvalId });
  if (row.status !== 'pending') throw new ConflictError(`The request is ${row.status} already`, { approvalId: row.id, status: row.status });
  if (input.digest !== row.digest) {
    throw new ConflictError('The digest does not match the arguments the run waits with; changed arguments need a new approval', {
      approvalId: row.id,
      argumentsDigest: row.digest,
    });
  }
  const sent: ApprovalDecision = { decision, digest: input.digest, decidedBy: caller.userId, decidedRole: caller.role, ...(input.reason ? { reason: input.reason } : {}) };
  try {
    await deps.temporal.client.workflow.getHandle(row.workflow_id).executeUpdate(approvalDecisionUpdate, { args: [sent] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw new ConflictError(error.cause?.message ?? 'The run refused the decision', { approvalId: row.id });
    if (error instanceof WorkflowNotFoundError) throw new ConflictError('The run is no longer waiting for this approval', { approvalId: row.id });
    throw error;
  }
  return {
    ...approvalView(row),
    status: decision,
    decidedBy: caller.userId,
    decidedRole: caller.role,
    ...(input.reason ? { decisionReason: input.reason } : {}),
    decidedAt: new Date().toISOString(),
  };
}
