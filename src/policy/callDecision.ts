import { randomUUID } from 'node:crypto';
import type { ActionDefinition } from '../connectors/schema.js';
import type { Db } from '../db/connect.js';
import { listCallPolicies } from '../db/repositories/callPolicies.js';
import { SwitchboardError } from '../errors.js';
import type { ExecuteActionInput } from '../workflows/contracts/action.js';
import { argumentsDigest, evaluateCallPolicies, type PolicyCall, type StoredCallPolicy } from './callPolicies.js';
import { callPolicyInput } from './callPolicySchemas.js';
import type { Role } from './roles.js';

/** Who makes the call, as run preparation knows it. */
export interface PolicyCaller {
  accountId: string;
  userId: string;
  serverId: string;
  /** The caller's role (src/policy/roles.ts); a caller without one is a user. */
  role?: Role;
}

/** A policy row as stored: each was validated when it was written; parsing again fills defaults. */
type PolicyRow = { id: string; version: number; definition: Record<string, unknown> };

const storedPolicies = (rows: readonly PolicyRow[]): StoredCallPolicy[] =>
  rows.map((row) => ({ ...callPolicyInput.parse(row.definition), id: row.id, version: row.version }));

async function accountCallPolicies(db: Db, accountId: string): Promise<StoredCallPolicy[]> {
  return storedPolicies(await listCallPolicies(db, accountId));
}

/** The annotations a policy conditions on: a connector action always acts on an outside platform (open world). */
function annotationsOf(action: Pick<ActionDefinition, 'destructive' | 'idempotent' | 'method'>): PolicyCall['annotations'] {
  return { destructive: action.destructive ?? action.method === 'DELETE', idempotent: action.idempotent, openWorld: true };
}

/**
 * The call policies' say on one action call, before anything starts: POLICY_DENIED for a deny
 * (so no request goes upstream), else what the run must carry: the approval it waits for, bound
 * to the arguments' digest, and the result rules.
 */
export async function decideCall(
  db: Db,
  caller: PolicyCaller,
  connectorId: string,
  action: Pick<ActionDefinition, 'id' | 'destructive' | 'idempotent' | 'method'>,
  parameters: Record<string, unknown>,
): Promise<Pick<ExecuteActionInput, 'approval' | 'resultRules'>> {
  return decideWith(await accountCallPolicies(db, caller.accountId), caller, connectorId, action, parameters);
}

/** decideCall with the account's policy rows already read (the front door's one statement, src/db/repositories/callContext.ts). */
export function decideCallWith(
  rows: readonly PolicyRow[],
  caller: PolicyCaller,
  connectorId: string,
  action: Pick<ActionDefinition, 'id' | 'destructive' | 'idempotent' | 'method'>,
  parameters: Record<string, unknown>,
): Pick<ExecuteActionInput, 'approval' | 'resultRules'> {
  return decideWith(storedPolicies(rows), caller, connectorId, action, parameters);
}

function decideWith(
  policies: readonly StoredCallPolicy[],
  caller: PolicyCaller,
  connectorId: string,
  action: Pick<ActionDefinition, 'id' | 'destructive' | 'idempotent' | 'method'>,
  parameters: Record<string, unknown>,
): Pick<ExecuteActionInput, 'approval' | 'resultRules'> {
  if (policies.length === 0) return {};
  const decision = evaluateCallPolicies(policies, {
    userId: caller.userId,
    role: caller.role ?? 'user',
    serverId: caller.serverId,
    connectorId,
    actionId: action.id,
    annotations: annotationsOf(action),
    arguments: parameters,
  });
  if (decision.effect === 'deny') {
    throw new SwitchboardError('POLICY_DENIED', `Policy "${decision.policy.name}" does not allow ${connectorId} ${action.id} here`, {
      connectorId,
      actionId: action.id,
      policyId: decision.policy.id,
      policyVersion: decision.policy.version,
    });
  }
  const resultRules = decision.resultRules ? { resultRules: decision.resultRules } : {};
  if (decision.effect === 'allow') return resultRules;
  return {
    approval: {
      approvalId: `apr_${randomUUID()}`,
      digest: argumentsDigest(connectorId, action.id, parameters),
      policy: decision.policy,
      timeoutSeconds: decision.timeoutSeconds,
    },
    ...resultRules,
  };
}

/**
 * A plan's steps under the call policies: a deny refuses the plan, and so does a step that would
 * need an approval or result rules, which only execute_action carries out (docs/approvals.md).
 */
export async function refuseUnplannable(
  db: Db,
  caller: PolicyCaller,
  connectorId: string,
  calls: ReadonlyArray<{ action: Pick<ActionDefinition, 'id' | 'destructive' | 'idempotent' | 'method'>; parameters: Record<string, unknown> }>,
): Promise<void> {
  const policies = await accountCallPolicies(db, caller.accountId);
  for (const { action, parameters } of calls) {
    const decided = decideWith(policies, caller, connectorId, action, parameters);
    if (decided.approval || decided.resultRules) {
      const why = decided.approval ? `needs approval (policy "${decided.approval.policy.name}")` : 'has result rules';
      throw new SwitchboardError('POLICY_DENIED', `${connectorId} ${action.id} ${why}, which plans do not carry out; call it with execute_action`, {
        connectorId,
        actionId: action.id,
      });
    }
  }
}
