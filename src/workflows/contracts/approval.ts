import { defineUpdate } from '@temporalio/workflow';

/** Approvals and result rules of a connector call (docs/approvals.md). */

export interface ApprovalRequirement {
  /** Chosen at the front door, so the caller can be sent to the approval page before the run records the request. */
  approvalId: string;
  /** sha256 of the canonical JSON of connector, action and parameters: a decision names it. */
  digest: string;
  policy: { id: string; version: number; name: string };
  timeoutSeconds: number;
}

export interface CallResultRules {
  redact: string[];
  /** A result is blocked when every matcher of one entry holds (matchers as src/policy/callPolicySchemas.ts defines them). */
  blockIf: Array<{ policy: string; matchers: Array<{ path: string }> }>;
}

/** An approver's decision, as the approvalDecision update carries it into the run's history. */
export interface ApprovalDecision {
  decision: 'approved' | 'denied';
  /** Must equal the request's digest: a decision never covers other arguments. */
  digest: string;
  decidedBy: string;
  decidedRole: string;
  reason?: string;
}

/** Refused (validator) when the digest differs or the request is already decided; else answers the decision taken. */
export const approvalDecisionUpdate = defineUpdate<{ status: 'approved' | 'denied' }, [ApprovalDecision]>('approvalDecision');
