import { z } from 'zod';
import { createPolicy, getPolicyView, listPolicyViews, removePolicy, updatePolicy } from '../../management/callPolicies.js';
import { approvalDecisionInput, approvalResponse, callPolicyInput, callPolicyResponse, listApprovalsQuery } from '../../policy/callPolicySchemas.js';
import { decideApproval, getApprovalView, listApprovalViews } from '../../starters/approvals.js';
import type { ApiDependencies } from '../context.js';
import { ApiRouter } from '../routing.js';

/** The decision body: the route's :id is the request. */
const decisionBody = approvalDecisionInput.omit({ approvalId: true });

/**
 * /api/policies (admins write, operators read) and /api/approvals (operators and admins decide):
 * docs/approvals.md. Every change is audited by the router, with who and the reason in its body.
 */
export function approvalRoutes(deps: Pick<ApiDependencies, 'db' | 'temporal'>): ApiRouter {
  const policyBefore = ({ auth, params }: { auth: { accountId: string }; params: Record<string, string> }) => getPolicyView(deps.db, auth, params.id!);
  return new ApiRouter()
    .add(
      { method: 'get', path: '/api/policies', access: 'operator', summary: "List the account's call policies", tag: 'Policies', response: z.object({ policies: z.array(callPolicyResponse) }) },
      async ({ auth }) => listPolicyViews(deps.db, auth),
    )
    .add({ method: 'get', path: '/api/policies/:id', access: 'operator', summary: 'Get a call policy', tag: 'Policies', response: callPolicyResponse }, async ({ auth, params }) =>
      getPolicyView(deps.db, auth, params.id!),
    )
    .add(
      { method: 'post', path: '/api/policies', access: 'admin', summary: 'Create a call policy (version 1)', tag: 'Policies', body: callPolicyInput, response: callPolicyResponse, status: 201 },
      async ({ auth, body }) => createPolicy(deps.db, auth, body),
    )
    .add(
      {
        method: 'put',
        path: '/api/policies/:id',
        access: 'admin',
        summary: "Replace a call policy's definition: a new version",
        tag: 'Policies',
        body: callPolicyInput,
        response: callPolicyResponse,
        auditBefore: policyBefore,
      },
      async ({ auth, params, body }) => updatePolicy(deps.db, auth, params.id!, body),
    )
    .add(
      {
        method: 'delete',
        path: '/api/policies/:id',
        access: 'admin',
        summary: 'Delete a call policy',
        tag: 'Policies',
        response: z.object({ message: z.string(), id: z.string() }),
        auditBefore: policyBefore,
      },
      async ({ auth, params }) => removePolicy(deps.db, auth, params.id!),
    )
    .add(
      {
        method: 'get',
        path: '/api/approvals',
        access: 'operator',
        summary: 'List approval requests, newest first; filter by status (pending, approved, denied, expired)',
        tag: 'Approvals',
        query: listApprovalsQuery,
        response: z.object({ approvals: z.array(approvalResponse) }),
      },
      async ({ auth, query }) => listApprovalViews(deps, auth, query),
    )
    .add({ method: 'get', path: '/api/approvals/:approvalId', access: 'operator', summary: 'Get an approval request', tag: 'Approvals', response: approvalResponse }, async ({ auth, params }) =>
      getApprovalView(deps, auth, params.approvalId!),
    )
    .add(
      {
        method: 'post',
        path: '/api/approvals/:approvalId/approve',
        access: 'operator',
        summary: "Approve a waiting call: the digest must be the request's argumentsDigest",
        tag: 'Approvals',
        body: decisionBody,
        response: approvalResponse,
      },
      async ({ auth, params, body }) => decideApproval(deps, auth, { approvalId: params.approvalId!, ...body }, 'approved'),
    )
    .add(
      {
        method: 'post',
        path: '/api/approvals/:approvalId/deny',
        access: 'operator',
        summary: 'Deny a waiting call; the caller gets APPROVAL_DENIED with the reason',
        tag: 'Approvals',
        body: decisionBody,
        response: approvalResponse,
      },
      async ({ auth, params, body }) => decideApproval(deps, auth, { approvalId: params.approvalId!, ...body }, 'denied'),
    );
}
