import { maskForAudit } from '../audit/redact.js';
import { insertAuditEntry } from '../db/repositories/audit.js';
import { insertApproval, settleApproval } from '../db/repositories/callPolicies.js';
import { applyResultRules, type ResultRules } from '../policy/callPolicies.js';
import type { ExecuteActionInput } from '../workflows/contracts/action.js';
import type { ApprovalRequirement, CallResultRules } from '../workflows/contracts/approval.js';
import type { ActivityDependencies } from './dependencies.js';
import { announceApproval } from '../upstream/approvalWebhook.js';
import { createUpstreamAgent } from '../upstream/egress.js';

/** The rows behind a run's approval wait (src/workflows/approval.ts), and its result rules. */
export function createApprovalActivities(deps: ActivityDependencies) {
  const agent = deps.config.approvals.webhookUrl ? createUpstreamAgent(deps.config) : undefined;
  return {
    /**
     * Tells APPROVAL_WEBHOOK_URL, when set, that a request waits. Best effort, once: approvers also
     * find it in the console, over REST and the admin tools, so a webhook that is down or refused
     * by the egress policy is logged and never holds up the run.
     */
    async notifyApprovers(input: { action: ExecuteActionInput; approval: ApprovalRequirement }): Promise<void> {
      if (!agent) return;
      const { action, approval } = input;
      const publicUrl = deps.config.publicUrl;
      try {
        const status = await announceApproval(deps.config, agent, {
          type: 'approval.requested',
          approvalId: approval.approvalId,
          accountId: action.accountId,
          userId: action.userId,
          serverId: action.serverId,
          connectorId: action.connectorId,
          actionId: action.actionId,
          argumentsDigest: approval.digest,
          policy: approval.policy,
          expiresAt: new Date(Date.now() + approval.timeoutSeconds * 1000).toISOString(),
          ...(publicUrl ? { url: `${publicUrl}/console/#/approvals/${encodeURIComponent(approval.approvalId)}` } : {}),
        });
        if (status !== undefined && status >= 300) deps.logger.warn({ approvalId: approval.approvalId, status }, 'approval webhook answered with an error');
      } catch (error) {
        deps.logger.warn({ err: error, approvalId: approval.approvalId }, 'approval webhook not delivered');
      }
    },

    /** The request approvers list; a retried or replayed attempt finds its own row (the id is the run's). */
    async recordApprovalRequest(input: { action: ExecuteActionInput; approval: ApprovalRequirement; workflowId: string }): Promise<void> {
      const { action, approval } = input;
      await insertApproval(deps.db, {
        id: approval.approvalId,
        account_id: action.accountId,
        workflow_id: input.workflowId,
        user_id: action.userId,
        server_id: action.serverId,
        connector_id: action.connectorId,
        action_id: action.actionId,
        parameters: JSON.stringify(action.parameters),
        digest: approval.digest,
        policy_id: approval.policy.id,
        policy_version: approval.policy.version,
        policy_name: approval.policy.name,
        expires_at: new Date(Date.now() + approval.timeoutSeconds * 1000),
      });
    },

    /** The decision, on the request's row and in the audit log, as the approver (or the system, for an expiry). */
    async recordApprovalOutcome(input: {
      approvalId: string;
      accountId: string;
      status: 'approved' | 'denied' | 'expired' | 'cancelled';
      decidedBy?: string;
      decidedRole?: string;
      reason?: string;
    }): Promise<void> {
      await settleApproval(deps.db, input.approvalId, input);
      await insertAuditEntry(deps.db, {
        accountId: input.accountId,
        actor: { userId: input.decidedBy ?? 'system', role: input.decidedRole ?? 'system', via: 'workflow' },
        action: `approval.${input.status}`,
        target: { approvalId: input.approvalId },
        after: maskForAudit({ status: input.status, ...(input.reason ? { reason: input.reason } : {}) }),
        status: 200,
      });
    },

    async applyCallResultRules(input: { data: unknown; rules: CallResultRules }): Promise<{ data: unknown } | { blockedBy: string }> {
      return applyResultRules(input.data, input.rules as ResultRules);
    },
  };
}
