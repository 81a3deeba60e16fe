import { describe, expect, it } from 'vitest';
import { actionSchema, authMethodSchema, connectorDefinitionSchema } from '../../../src/connectors/schema.js';

const minimal = {
  id: 'acme',
  name: 'Acme',
  category: 'other',
  description: 'Test',
  baseUrl: 'https://{tenant}.acme.test/api',
  baseUrlVariables: [{ name: 'tenant', description: 'Tenant' }],
  authMethods: [{ type: 'bearer' }],
  resources: [{ id: 'things', name: 'Things' }],
  actions: [
    { id: 'things_list', resource: 'things', title: 'List', description: 'List things', method: 'GET', path: '/things', parameters: [], response: {} },
    {
      id: 'things_create', resource: 'things', title: 'Create', description: 'Create', method: 'POST', path: '/things/{group}',
      parameters: [{ name: 'group', in: 'path', type: 'string', required: true }], response: {},
    },
  ],
  rateLimit: { requestsPerSecond: 10 },
  source: { kind: 'hand-written' },
};

describe('connectorDefinitionSchema', () => {
  it('applies defaults', () => {
    const def = connectorDefinitionSchema.parse(minimal);
    expect(def.actions[0]?.idempotent).toBe(true);
    expect(def.actions[1]?.idempotent).toBe(false);
    expect(def.actions[0]?.bodyEncoding).toBe('json');
  });

  it('rejects bad ids, unknown resources, undeclared path/baseUrl variables and duplicates', () => {
    expect(connectorDefinitionSchema.safeParse({ ...minimal, id: '../x' }).success).toBe(false);
    expect(connectorDefinitionSchema.safeParse({ ...minimal, baseUrlVariables: [] }).success).toBe(false);
    const a0 = minimal.actions[0]!;
    expect(connectorDefinitionSchema.safeParse({ ...minimal, actions: [{ ...a0, resource: 'nope' }] }).success).toBe(false);
    expect(connectorDefinitionSchema.safeParse({ ...minimal, actions: [{ ...a0, path: '/x/{y}' }] }).success).toBe(false);
    expect(connectorDefinitionSchema.safeParse({ ...minimal, actions: [a0, a0] }).success).toBe(false);
    expect(connectorDefinitionSchema.safeParse({ ...minimal, authMethods: [] }).success).toBe(false);
  });

  it('oauth2 defaults', () => {
    const m = authMethodSchema.parse({
      type: 'oauth2', authorizationUrl: 'https://a.test/auth', tokenUrl: 'https://a.test/token', scopes: [], tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(m).toMatchObject({ scopeSeparator: ' ', pkce: true });
  });

  it('action ids follow the pattern', () => {
    const base = minimal.actions[0]!;
    expect(actionSchema.safeParse({ ...base, id: 'chat.postMessage' }).success).toBe(true);
    expect(actionSchema.safeParse({ ...base, id: 'bad id' }).success).toBe(false);
  });
});
