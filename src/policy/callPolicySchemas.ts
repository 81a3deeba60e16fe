import { z } from 'zod';
import { ROLES } from './roles.js';

/**
 * Call policies as data: what an account decides about its callers' tool calls (allow, deny, or
 * require a person's approval), with conditions on the caller, the action's annotations and the
 * argument values, and rules for the result. One zod schema per input, shared by REST, the admin
 * tools, OpenAPI and tests (docs/approvals.md).
 *
 * Arguments are matched with JSON matchers rather than an expression language: a matcher is data
 * that zod checks, the console edits field by field and the docs list in one table, and it needs
 * no interpreter (so nothing a policy author writes can run, loop or throw at call time).
 */

/** A dotted path into the arguments or the result: "channel", "owner.login", "items.0.id", "members.*.email" (* is every item or field). */
const jsonPath = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_$*-]+(\.[A-Za-z0-9_$*-]+)*$/, 'a dotted path such as "channel", "user.email" or "members.*.email"');

const scalar = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

/** One test of the value at `path`; exactly one operator. */
const valueMatcher = z
  .object({
    path: jsonPath,
    equals: scalar.optional(),
    notEquals: scalar.optional(),
    in: z.array(scalar).max(100).optional(),
    /** A JavaScript regular expression the value (as a string) must match. */
    matches: z
      .string()
      .max(500)
      .refine((source) => {
        try {
          new RegExp(source);
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression')
      .optional(),
    exists: z.boolean().optional(),
    greaterThan: z.number().optional(),
    lessThan: z.number().optional(),
  })
  .strict()
  .refine((matcher) => Object.keys(matcher).filter((key) => key !== 'path').length === 1, 'give exactly one operator besides path');
export type ValueMatcher = z.infer<typeof valueMatcher>;

const policyEffects = ['allow', 'deny', 'require_approval'] as const;
export type PolicyEffect = (typeof policyEffects)[number];

const idList = z.array(z.string().min(1).max(200)).min(1).max(100);

export const callPolicyInput = z
  .object({
    name: z.string().min(1).max(100),
    description: z.string().max(1000).optional(),
    enabled: z.boolean().default(true),
    /** What the policy covers; the account is always the caller's. Absent fields match any. */
    scope: z
      .object({ serverId: z.string().min(1).max(200).optional(), connectorId: z.string().min(1).max(200).optional(), actionId: z.string().min(1).max(200).optional() })
      .strict()
      .default({}),
    effect: z.enum(policyEffects),
    /** Every condition given must hold for the policy to apply. */
    when: z
      .object({
        users: idList.optional(),
        roles: z.array(z.enum(ROLES)).min(1).optional(),
        servers: idList.optional(),
        annotations: z.object({ destructive: z.boolean().optional(), idempotent: z.boolean().optional(), openWorld: z.boolean().optional() }).strict().optional(),
        arguments: z.array(valueMatcher).min(1).max(50).optional(),
      })
      .strict()
      .default({}),
    /** With require_approval: how long a request waits before it expires (and the call is denied). */
    approval: z
      .object({ timeoutSeconds: z.number().int().min(1).max(30 * 24 * 3600).default(24 * 3600) })
      .strict()
      .optional(),
    /** Applied to the result of an allowed (or approved) call before the caller sees it. */
    results: z
      .object({
        redact: z.array(jsonPath).min(1).max(50).optional(),
        blockIf: z.array(valueMatcher).min(1).max(50).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type CallPolicyInput = z.infer<typeof callPolicyInput>;

export const callPolicyResponse = callPolicyInput.extend({
  id: z.string(),
  version: z.number().int().describe('Starts at 1; every update adds one. Approval requests name the version that asked for them.'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CallPolicyResponse = z.infer<typeof callPolicyResponse>;

// Approvals

const approvalStatuses = ['pending', 'approved', 'denied', 'expired', 'cancelled'] as const;

const approvalIdParam = z.string().regex(/^apr_[A-Za-z0-9-]+$/);

/** An approver's answer: the digest of the arguments they saw, so a decision never covers other arguments. */
export const approvalDecisionInput = z
  .object({
    approvalId: approvalIdParam,
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/).describe('The request\'s argumentsDigest, as shown with it'),
    reason: z.string().max(1000).optional(),
  })
  .strict();

export const listApprovalsQuery = z
  .object({
    status: z.enum(approvalStatuses).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const approvalResponse = z.object({
  id: z.string(),
  status: z.enum(approvalStatuses),
  workflowId: z.string(),
  userId: z.string(),
  serverId: z.string(),
  connectorId: z.string(),
  actionId: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  argumentsDigest: z.string(),
  policy: z.object({ id: z.string(), version: z.number(), name: z.string() }),
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedBy: z.string().optional(),
  decidedRole: z.string().optional(),
  decisionReason: z.string().optional(),
  decidedAt: z.string().optional(),
});
export type ApprovalResponse = z.infer<typeof approvalResponse>;
