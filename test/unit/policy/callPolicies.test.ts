import { describe, expect, it } from 'vitest';
import { applyResultRules, argumentsDigest, canonicalJson, evaluateCallPolicies, type PolicyCall, type StoredCallPolicy } from '../../../src/policy/callPolicies.js';
import { callPolicyInput } from '../../../src/policy/callPolicySchemas.js';

const call: PolicyCall = {
  userId: 'alice',
  role: 'user',
  serverId: 'srv_1',
  connectorId: 'github',
  actionId: 'gists_delete',
  annotations: { destructive: true, idempotent: true, openWorld: true },
  arguments: { gist_id: 'g1', options: { force: true }, tags: ['a', 'b'] },
};

let next = 0;
const policy = (definition: Record<string, unknown>): StoredCallPolicy => ({ ...callPolicyInput.parse({ name: `p${next++}`, ...definition }), id: `pol_${next}`, version: 1 });

describe('evaluateCallPolicies', () => {
  it('allows when no policy applies', () => {
    expect(evaluateCallPolicies([policy({ effect: 'deny', scope: { connectorId: 'slack' } })], call)).toEqual({ effect: 'allow' });
  });

  it('takes the strictest applying effect: deny over require_approval over allow', () => {
    const approval = policy({ effect: 'require_approval', when: { annotations: { destructive: true } }, approval: { timeoutSeconds: 60 } });
    const deny = policy({ effect: 'deny', when: { roles: ['user'] } });
    expect(evaluateCallPolicies([approval], call)).toMatchObject({ effect: 'require_approval', timeoutSeconds: 60, policy: { id: approval.id } });
    expect(evaluateCallPolicies([approval, deny, policy({ effect: 'allow' })], call)).toMatchObject({ effect: 'deny', policy: { id: deny.id } });
  });

  it('matches callers, servers, annotations and argument values', () => {
    const denied = (when: Record<string, unknown>) => evaluateCallPolicies([policy({ effect: 'deny', when })], call).effect === 'deny';
    expect(denied({ users: ['bob'] })).toBe(false);
    expect(denied({ users: ['alice'], servers: ['srv_1'] })).toBe(true);
    expect(denied({ roles: ['admin'] })).toBe(false);
    expect(denied({ annotations: { idempotent: false } })).toBe(false);
    expect(denied({ arguments: [{ path: 'gist_id', in: ['g1', 'g2'] }] })).toBe(true);
    expect(denied({ arguments: [{ path: 'options.force', equals: true }, { path: 'gist_id', matches: '^g' }] })).toBe(true);
    expect(denied({ arguments: [{ path: 'tags.*', equals: 'b' }] })).toBe(true);
    expect(denied({ arguments: [{ path: 'missing', exists: false }] })).toBe(true);
    expect(denied({ arguments: [{ path: 'gist_id', notEquals: 'g1' }] })).toBe(false);
  });

  it('skips disabled policies and adds up every applying policy’s result rules', () => {
    expect(evaluateCallPolicies([policy({ effect: 'deny', enabled: false })], call)).toEqual({ effect: 'allow' });
    const decided = evaluateCallPolicies([policy({ effect: 'allow', results: { redact: ['a'] } }), policy({ effect: 'allow', results: { redact: ['b'], blockIf: [{ path: 'x', exists: true }] } })], call);
    expect(decided).toMatchObject({ effect: 'allow', resultRules: { redact: ['a', 'b'], blockIf: [{ matchers: [{ path: 'x', exists: true }] }] } });
  });
});

describe('callPolicyInput', () => {
  it('refuses a matcher with no operator or two, and an invalid regular expression', () => {
    expect(callPolicyInput.safeParse({ name: 'x', effect: 'deny', when: { arguments: [{ path: 'a' }] } }).success).toBe(false);
    expect(callPolicyInput.safeParse({ name: 'x', effect: 'deny', when: { arguments: [{ path: 'a', equals: 1, exists: true }] } }).success).toBe(false);
    expect(callPolicyInput.safeParse({ name: 'x', effect: 'deny', when: { arguments: [{ path: 'a', matches: '(' }] } }).success).toBe(false);
  });
});

describe('argumentsDigest', () => {
  it('is the same for the same arguments in any key order, and differs for any other value', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
    const digest = argumentsDigest('github', 'gists_delete', { a: 1, b: 2 });
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(argumentsDigest('github', 'gists_delete', { b: 2, a: 1 })).toBe(digest);
    expect(argumentsDigest('github', 'gists_delete', { a: 1, b: 3 })).not.toBe(digest);
    expect(argumentsDigest('github', 'gists_get', { a: 1, b: 2 })).not.toBe(digest);
  });
});

describe('applyResultRules', () => {
  const data = { user: { email: 'a@example.com', name: 'A' }, members: [{ email: 'b@example.com' }, { email: 'c@example.com' }], status: 'private' };

  it('redacts each path, through arrays with *', () => {
    expect(applyResultRules(data, { redact: ['user.email', 'members.*.email', 'nothing.here'], blockIf: [] })).toEqual({
      data: { user: { email: '[redacted by policy]', name: 'A' }, members: [{ email: '[redacted by policy]' }, { email: '[redacted by policy]' }], status: 'private' },
    });
  });

  it('blocks a result when every matcher of a rule holds', () => {
    expect(applyResultRules(data, { redact: [], blockIf: [{ policy: 'no private', matchers: [{ path: 'status', equals: 'private' } as never] }] })).toEqual({ blockedBy: 'no private' });
    expect(applyResultRules(data, { redact: [], blockIf: [{ policy: 'no public', matchers: [{ path: 'status', equals: 'public' } as never] }] })).toHaveProperty('data');
  });
});
