import { CancellationScope, condition, isCancellation, proxyLocalActivities, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { awaitingApprovalMemo, type AwaitingApproval } from './contracts/runs.js';
import type { ExecuteActionInput } from './contracts/action.js';
import { approvalDecisionUpdate, type ApprovalDecision, type ApprovalRequirement } from './contracts/approval.js';
import { failureOf } from './contracts/failures.js';

const { recordApprovalRequest, recordApprovalOutcome, notifyApprovers } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10 },
});

function hours(seconds: number): string {
  return seconds >= 7200 ? `${Math.round(seconds / 3600)} h` : seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
}

/**
 * Holds the run, durably, until a person approves or denies these exact arguments, or the request
 * expires (which denies it). The request is a row approvers list; the wait is a timer in this
 * run's history named for its reason; the decision is the approvalDecision update, whose input
 * (who, why, which digest) history keeps. An update naming another digest, or arriving after the
 * decision, is refused by the validator and never enters history. A restart loses nothing: the
 * request, the timer and the decision are all the run's.
 */
export async function awaitApproval(input: ExecuteActionInput, approval: ApprovalRequirement): Promise<void> {
  let decision: ApprovalDecision | undefined;
  setHandler(
    approvalDecisionUpdate,
    (received) => {
      decision = received;
      return { status: received.decision };
    },
    {
      validator: (received) => {
        if (decision) throw new Error(`The request was already ${decision.decision}`);
        if (received.digest !== approval.digest) throw new Error('The digest does not match the arguments this run waits with; changed arguments need a new approval');
      },
    },
  );
  const { workflowId } = workflowInfo();
  await recordApprovalRequest({ action: input, approval, workflowId });
  await notifyApprovers({ action: input, approval });
  // For callers polling the run (describe, no worker round trip): what it waits for, until decided.
  upsertMemo({ [awaitingApprovalMemo]: { approvalId: approval.approvalId, policy: approval.policy.name } satisfies AwaitingApproval });
  const summary = `awaiting approval: policy "${approval.policy.name}" v${approval.policy.version} requires it for ${input.connectorId} ${input.actionId} (${approval.approvalId}, expires in ${hours(approval.timeoutSeconds)})`;
  let decided: boolean;
  try {
    decided = await condition(() => decision !== undefined, approval.timeoutSeconds * 1000, { summary: summary.slice(0, 200) });
  } catch (error) {
    // The caller withdrew the call (the run was cancelled): the request leaves the approvers' queue.
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() => recordApprovalOutcome({ approvalId: approval.approvalId, accountId: input.accountId, status: 'cancelled' }));
    }
    throw error;
  }
  const outcome = decided ? decision! : undefined;
  upsertMemo({ [awaitingApprovalMemo]: undefined });
  await recordApprovalOutcome({
    approvalId: approval.approvalId,
    accountId: input.accountId,
    status: outcome ? outcome.decision : 'expired',
    ...(outcome ? { decidedBy: outcome.decidedBy, decidedRole: outcome.decidedRole, ...(outcome.reason ? { reason: outcome.reason } : {}) } : {}),
  });
  const details = { approvalId: approval.approvalId, connectorId: input.connectorId, actionId: input.actionId, policyId: approval.policy.id };
  if (!outcome) {
    throw failureOf('APPROVAL_EXPIRED', `Nobody approved ${input.connectorId} ${input.actionId} within ${hours(approval.timeoutSeconds)} (policy "${approval.policy.name}"); the call was not made`, details);
  }
  if (outcome.decision === 'denied') {
    const why = outcome.reason ? `: ${outcome.reason}` : '';
    throw failureOf('APPROVAL_DENIED', `${outcome.decidedBy} denied ${input.connectorId} ${input.actionId}${why}; the call was not made`, { ...details, decidedBy: outcome.decidedBy });
  }
}
