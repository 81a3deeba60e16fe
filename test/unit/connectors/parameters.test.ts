import { describe, expect, it } from 'vitest';
import { actionParametersSchema, validateActionParameters } from '../../../src/connectors/parameters.js';
import type { ActionParameter } from '../../../src/connectors/schema.js';

const parameters: ActionParameter[] = [
  { name: 'id', in: 'path', type: 'string', required: true },
  { name: 'limit', in: 'query', type: 'integer', required: false },
  { name: 'state', in: 'query', type: 'string', required: false, enum: ['open', 'closed'] },
  { name: 'X-Trace', in: 'header', type: 'string', required: false },
  { name: 'labels', in: 'body', type: 'array', required: false },
  { name: 'draft', in: 'body', type: 'boolean', required: false },
];
const action = { id: 'update', method: 'PATCH' as const, path: '/items/{id}', parameters, bodyEncoding: 'json' as const };

describe('action parameters', () => {
  it('builds a zod schema from the definition', () => {
    expect(actionParametersSchema(action).parse({ id: 'a', limit: 3, labels: ['x'] })).toEqual({ id: 'a', limit: 3, labels: ['x'] });
  });
  it('lists every problem at once', () => {
    let details: Record<string, unknown> = {};
    try {
      validateActionParameters('acme', action, { limit: 2.5, state: 'merged', extra: 1 });
    } catch (error) {
      details = (error as { details: Record<string, unknown> }).details;
    }
    expect(details.issues).toEqual(
      expect.arrayContaining([
        { parameter: 'id', message: 'required parameter is missing' },
        expect.objectContaining({ parameter: 'limit' }),
        { parameter: 'state', message: 'must be one of: "open", "closed"' },
        { parameter: 'extra', message: 'unknown parameter' },
      ]),
    );
  });
});
