import { describe, expect, it } from 'vitest';
import { actionParametersSchema, validateActionParameters } from '../../../src/connectors/parameters.js';
import type { ActionParameter } from '../../../src/connectors/schema.js';

const parameters: ActionParameter[] = [
  { name: 'channel', in: 'body', type: 'string', required: true },
  { name: 'limit', in: 'query', type: 'integer', required: false, default: 10 },
];
const action = { id: 'list', parameters };

describe('parameter schemas, built once per action', () => {
  it('returns the same schema for the same definition, and judges each call afresh', () => {
    expect(actionParametersSchema(action)).toBe(actionParametersSchema(action));
    expect(validateActionParameters('acme', action, { channel: 'C1' })).toEqual({ channel: 'C1', limit: 10 });
    expect(() => validateActionParameters('acme', action, { channel: 2 })).toThrow(/channel/);
    expect(validateActionParameters('acme', action, { channel: 'C2', limit: 3 })).toEqual({ channel: 'C2', limit: 3 });
  });

  it('builds a schema of its own when values are deferred, leaving the cached one strict', () => {
    const deferred = actionParametersSchema(action, new Set(['channel']));
    expect(deferred).not.toBe(actionParametersSchema(action));
    expect(deferred.parse({ channel: { $ref: 'step1.id' } })).toEqual({ channel: { $ref: 'step1.id' }, limit: 10 });
    expect(() => actionParametersSchema(action).parse({ channel: { $ref: 'step1.id' } })).toThrow();
  });

  it('another definition with the same id gets its own schema (a custom connector edited)', () => {
    const edited = { id: 'list', parameters: [{ name: 'channel', in: 'body' as const, type: 'number' as const, required: true }] };
    expect(validateActionParameters('acme', edited, { channel: 5 })).toEqual({ channel: 5 });
    expect(() => validateActionParameters('acme', action, { channel: 5 })).toThrow(/channel/);
  });
});
