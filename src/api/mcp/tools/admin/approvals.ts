import { approvalDecisionInput, listApprovalsQuery } from '../../../../policy/callPolicySchemas.js';
import { decideApproval, listApprovalViews } from '../../../../starters/approvals.js';
import { adminTool, readOnlyTool } from './define.js';

/** Approvers' tools (operators and admins, as over REST): docs/approvals.md. */

export const listApprovalsTool = adminTool({
  name: 'list_approvals',
  title: 'List approval requests',
  description:
    'Lists calls held by a require_approval policy, newest first (status pending, approved, denied, expired or cancelled): ' +
    'who asked, the connector, action and exact arguments, their argumentsDigest, the policy and when the request expires.',
  mirrors: { method: 'get', path: '/api/approvals', access: 'operator' },
  input: listApprovalsQuery,
  annotations: readOnlyTool,
  run: (query, { deps, auth }) => listApprovalViews(deps, auth, query),
});

const decision = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };

export const approveCallTool = adminTool({
  name: 'approve_call',
  title: 'Approve a held call',
  description:
    'Approves a pending request: give its approvalId and the argumentsDigest list_approvals showed (a digest of other ' +
    'arguments is refused with CONFLICT) and, best, a reason. The waiting run then makes the call once.',
  mirrors: { method: 'post', path: '/api/approvals/:approvalId/approve', access: 'operator' },
  input: approvalDecisionInput,
  pathParams: ['approvalId'],
  annotations: decision,
  run: (input, { deps, auth }) => decideApproval(deps, auth, input, 'approved'),
});

export const denyCallTool = adminTool({
  name: 'deny_call',
  title: 'Deny a held call',
  description: 'Denies a pending request (approvalId, its argumentsDigest, a reason): the caller gets APPROVAL_DENIED with the reason, and nothing is sent.',
  mirrors: { method: 'post', path: '/api/approvals/:approvalId/deny', access: 'operator' },
  input: approvalDecisionInput,
  pathParams: ['approvalId'],
  annotations: decision,
  run: (input, { deps, auth }) => decideApproval(deps, auth, input, 'denied'),
});
