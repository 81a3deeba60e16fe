import { createHash } from 'node:crypto';
import type { CallPolicyInput, PolicyEffect, ValueMatcher } from './callPolicySchemas.js';
import type { Role } from './roles.js';

/**
 * Deciding a tool call against the account's call policies: pure functions of the policies and
 * the call, so the decision is the same whichever door the call came in by, and testable alone.
 */

export interface StoredCallPolicy extends CallPolicyInput {
  id: string;
  version: number;
}

/** The call as the policies see it. */
export interface PolicyCall {
  userId: string;
  role: Role;
  serverId: string;
  connectorId: string;
  actionId: string;
  annotations: { destructive: boolean; idempotent: boolean; openWorld: boolean };
  arguments: Record<string, unknown>;
}

interface PolicyRef {
  id: string;
  version: number;
  name: string;
}

/** What the result of a call goes through before its caller sees it; travels in the run's input. */
export interface ResultRules {
  redact: string[];
  blockIf: Array<{ policy: string; matchers: ValueMatcher[] }>;
}

export type PolicyDecision =
  | { effect: 'allow'; resultRules?: ResultRules }
  | { effect: 'deny'; policy: PolicyRef }
  | { effect: 'require_approval'; policy: PolicyRef; timeoutSeconds: number; resultRules?: ResultRules };

const DEFAULT_APPROVAL_SECONDS = 24 * 3600;

/** The values at a dotted path; `*` steps into every item of an array or field of an object. */
function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const step of path.split('.')) {
    current = current.flatMap((item) => {
      if (item === null || typeof item !== 'object') return [];
      if (step === '*') return Object.values(item);
      return Object.hasOwn(item, step) ? [(item as Record<string, unknown>)[step]] : [];
    });
  }
  return current;
}

function matchesValue(value: unknown, matcher: ValueMatcher): boolean {
  if (matcher.equals !== undefined) return value === matcher.equals;
  if (matcher.notEquals !== undefined) return value !== matcher.notEquals;
  if (matcher.in !== undefined) return matcher.in.includes(value as never);
  if (matcher.matches !== undefined) return (typeof value === 'string' || typeof value === 'number') && new RegExp(matcher.matches).test(String(value));
  if (matcher.greaterThan !== undefined) return typeof value === 'number' && value > matcher.greaterThan;
  if (matcher.lessThan !== undefined) return typeof value === 'number' && value < matcher.lessThan;
  return false;
}

/** A matcher holds when some value at its path passes it (exists: whether there is one; notEquals: when none is equal). */
function matcherHolds(root: unknown, matcher: ValueMatcher): boolean {
  const values = valuesAt(root, matcher.path);
  if (matcher.exists !== undefined) return (values.length > 0) === matcher.exists;
  if (matcher.notEquals !== undefined) return values.every((value) => matchesValue(value, matcher));
  return values.some((value) => matchesValue(value, matcher));
}

function applies(policy: StoredCallPolicy, call: PolicyCall): boolean {
  const { scope, when } = policy;
  if (!policy.enabled) return false;
  if (scope.serverId !== undefined && scope.serverId !== call.serverId) return false;
  if (scope.connectorId !== undefined && scope.connectorId !== call.connectorId) return false;
  if (scope.actionId !== undefined && scope.actionId !== call.actionId) return false;
  if (when.users && !when.users.includes(call.userId)) return false;
  if (when.roles && !when.roles.includes(call.role)) return false;
  if (when.servers && !when.servers.includes(call.serverId)) return false;
  for (const [name, wanted] of Object.entries(when.annotations ?? {})) {
    if (wanted !== undefined && call.annotations[name as keyof PolicyCall['annotations']] !== wanted) return false;
  }
  return (when.arguments ?? []).every((matcher) => matcherHolds(call.arguments, matcher));
}

const strength: Record<PolicyEffect, number> = { allow: 0, require_approval: 1, deny: 2 };

/**
 * The decision for a call: of the enabled policies that apply, the strictest effect wins (deny over
 * require_approval over allow; among equals, the first by name); no policy applying allows. Result
 * rules of every applying policy add up.
 */
export function evaluateCallPolicies(policies: readonly StoredCallPolicy[], call: PolicyCall): PolicyDecision {
  const applying = policies.filter((policy) => applies(policy, call)).sort((a, b) => a.name.localeCompare(b.name));
  const redact = applying.flatMap((policy) => policy.results?.redact ?? []);
  const blockIf = applying.flatMap((policy) => (policy.results?.blockIf ? [{ policy: policy.name, matchers: policy.results.blockIf }] : []));
  const resultRules = redact.length > 0 || blockIf.length > 0 ? { resultRules: { redact, blockIf } } : {};
  const strictest = applying.reduce<StoredCallPolicy | undefined>((best, policy) => (!best || strength[policy.effect] > strength[best.effect] ? policy : best), undefined);
  if (!strictest || strictest.effect === 'allow') return { effect: 'allow', ...resultRules };
  const policy = { id: strictest.id, version: strictest.version, name: strictest.name };
  if (strictest.effect === 'deny') return { effect: 'deny', policy };
  return { effect: 'require_approval', policy, timeoutSeconds: strictest.approval?.timeoutSeconds ?? DEFAULT_APPROVAL_SECONDS, ...resultRules };
}

/** JSON with every object's keys sorted, so equal arguments always give the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What an approval is bound to: the connector, the action and the exact arguments. */
export function argumentsDigest(connectorId: string, actionId: string, parameters: Record<string, unknown>): string {
  return `sha256:${createHash('sha256').update(canonicalJson({ connectorId, actionId, parameters })).digest('hex')}`;
}

const REDACTED = '[redacted by policy]';

function redactAt(value: unknown, steps: readonly string[]): unknown {
  if (steps.length === 0 || value === null || typeof value !== 'object') return value;
  const [step, ...rest] = steps as [string, ...string[]];
  const replace = (item: unknown) => (rest.length === 0 ? REDACTED : redactAt(item, rest));
  if (Array.isArray(value)) {
    if (step === '*') return value.map(replace);
    const index = Number(step);
    return Number.isInteger(index) && index in value ? value.map((item, at) => (at === index ? replace(item) : item)) : value;
  }
  const record = value as Record<string, unknown>;
  if (step === '*') return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, replace(item)]));
  return Object.hasOwn(record, step) ? { ...record, [step]: replace(record[step]) } : value;
}

/** The result after the rules: blocked (naming the policy) when a blockIf holds, else with the redacted paths replaced. */
export function applyResultRules(data: unknown, rules: ResultRules): { data: unknown } | { blockedBy: string } {
  const blocking = rules.blockIf.find(({ matchers }) => matchers.every((matcher) => matcherHolds(data, matcher)));
  if (blocking) return { blockedBy: blocking.policy };
  return { data: rules.redact.reduce((current, path) => redactAt(current, path.split('.')), data) };
}
