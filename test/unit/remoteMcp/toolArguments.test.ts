import { Ajv } from 'ajv';
import { describe, expect, it, vi } from 'vitest';
import type { Connector } from '../../../src/connectors/types.js';
import { validateToolArguments } from '../../../src/remoteMcp/toolArguments.js';

/** A remote connector as one read of its row gives it: a new schema object every time. */
function connectorRead(): Connector {
  return {
    id: 'mcp-tools',
    origin: 'remote-mcp',
    remoteMcp: { inputSchemas: { search: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } } },
  } as unknown as Connector;
}

describe('remote tool arguments', () => {
  it('compiles a tool schema once, however many times its row is read', () => {
    const compile = vi.spyOn(Ajv.prototype, 'compile');
    for (let call = 0; call < 20; call += 1) {
      expect(validateToolArguments(connectorRead(), { id: 'search' }, { query: `q${call}` })).toEqual({ query: `q${call}` });
    }
    expect(() => validateToolArguments(connectorRead(), { id: 'search' }, { query: 3 })).toThrow(/Invalid parameters/);
    expect(compile).toHaveBeenCalledTimes(1);
    compile.mockRestore();
  });

  it('leaves a schema it cannot compile to the server, and remembers that too', () => {
    const broken = { ...connectorRead(), remoteMcp: { inputSchemas: { odd: { type: 'object', properties: { a: { $ref: '#/nowhere' } } } } } } as unknown as Connector;
    expect(validateToolArguments(broken, { id: 'odd' }, { a: 1 })).toEqual({ a: 1 });
    expect(validateToolArguments(broken, { id: 'odd' }, { a: 2 })).toEqual({ a: 2 });
  });
});
