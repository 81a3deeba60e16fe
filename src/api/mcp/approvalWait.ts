import type { ExecuteActionInput } from '../../workflows/contracts/action.js';
import type { AuthorizationLink, ToolContext } from './tool.js';

/** Where approvers decide a request: the console's approval page (docs/approvals.md). */
export function approvalPageUrl(publicUrl: string, approvalId: string): string {
  return `${publicUrl}/console/#/approvals/${encodeURIComponent(approvalId)}`;
}

/** The approval a run will wait for, as a link its caller can show (a task's input request on 2026-07-28). */
export function approvalLink(publicUrl: string, input: ExecuteActionInput): AuthorizationLink | undefined {
  if (!input.approval) return undefined;
  const { approvalId, policy } = input.approval;
  return {
    approvalId,
    url: approvalPageUrl(publicUrl, approvalId),
    message: `Policy "${policy.name}" holds ${input.connectorId} ${input.actionId} for an approver (an operator or admin of the account); it runs once approved there`,
  };
}

/** Tells a plain call's client, when it listens, that the run waits for an approver and where they decide; the call itself waits with no time-out. */
export async function noticeApproval(context: ToolContext, input: ExecuteActionInput, workflowId: string): Promise<void> {
  const link = approvalLink(context.deps.publicUrl, input);
  if (link) await context.report?.log?.('notice', { workflowId, approvalId: link.approvalId, url: link.url, message: link.message });
}
