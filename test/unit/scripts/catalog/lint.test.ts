import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogDirectory } from '../../../../src/connectors/sources/catalog.js';
import { connectorDefinitionSchema, type ConnectorDefinition, type ConnectorDefinitionInput } from '../../../../src/connectors/schema.js';
import { CATALOG_BUDGET, lintCatalog } from '../../../../scripts/catalog/lint.js';

const connectorsDir = new URL('./connectors/', catalogDirectory);
const authOverlay = JSON.parse(fs.readFileSync(new URL('../../../../scripts/catalog/overlays/auth.json', import.meta.url), 'utf8')) as {
  public: Record<string, string>;
};

function readCatalogue(): { definitions: ConnectorDefinition[]; fileBytes: Map<string, number>; indexBytes: number } {
  const definitions: ConnectorDefinition[] = [];
  const fileBytes = new Map<string, number>();
  for (const file of fs.readdirSync(connectorsDir).filter((name) => name.endsWith('.json')).sort()) {
    const text = fs.readFileSync(new URL(file, connectorsDir), 'utf8');
    const def = connectorDefinitionSchema.parse(JSON.parse(text));
    definitions.push(def);
    fileBytes.set(def.id, Buffer.byteLength(text));
  }
  return { definitions, fileBytes, indexBytes: fs.statSync(new URL('index.json', catalogDirectory)).size };
}

function connector(overrides: Partial<ConnectorDefinitionInput> = {}): ConnectorDefinition {
  return connectorDefinitionSchema.parse({
    id: 'acme',
    name: 'Acme',
    category: 'other',
    description: 'Acme API.',
    baseUrl: 'https://api.acme.test',
    authMethods: [{ type: 'bearer' }],
    resources: [{ id: 'items', name: 'Items' }],
    actions: [
      {
        id: 'items_get',
        resource: 'items',
        title: 'Get an item',
        description: 'Get an item.',
        method: 'GET',
        path: '/items/{item_id}',
        parameters: [{ name: 'item_id', in: 'path', type: 'string', required: true, description: 'The item.' }],
        response: {},
      },
    ],
    rateLimit: { requestsPerSecond: 1 },
    source: { kind: 'hand-written' },
    ...overrides,
  });
}

function lintOne(def: ConnectorDefinition, publicConnectors: Record<string, string> = {}, bytes = 1000): string[] {
  return lintCatalog({ definitions: [def], publicConnectors, fileBytes: new Map([[def.id, bytes]]), indexBytes: 100, families: false });
}

describe('catalogue linter', () => {
  it('passes on the committed catalogue', () => {
    const problems = lintCatalog({ ...readCatalogue(), publicConnectors: authOverlay.public });
    expect(problems).toEqual([]);
  });

  it('accepts a well-formed connector', () => {
    expect(lintOne(connector())).toEqual([]);
  });

  it('refuses a connector without a credential path unless it is marked public with a reason', () => {
    const open = connector({ authMethods: [{ type: 'none' }] });
    expect(lintOne(open)).toContainEqual(expect.stringContaining('no credential path'));
    expect(lintOne(open, { acme: '  ' })).toContainEqual(expect.stringContaining('no credential path'));
    expect(lintOne(open, { acme: 'Open data.' })).toEqual([expect.stringContaining('need no credential (at most 5 %)')]);
    const many = Array.from({ length: 20 }, (_, i) => connector({ id: `c${i}` }));
    expect(lintCatalog({ definitions: [...many, open], publicConnectors: { acme: 'Open data.' }, fileBytes: new Map(), indexBytes: 1, families: false })).toEqual([]);
  });

  it('refuses a base URL that is not https', () => {
    expect(lintOne(connector({ baseUrl: 'http://api.acme.test' }))).toEqual([expect.stringContaining('base URL is not https')]);
  });

  it('refuses undeclared and stray path parameters', () => {
    const stray = connector();
    stray.actions[0]!.path = '/items';
    expect(lintOne(stray)).toEqual([expect.stringContaining('does not appear in /items')]);
    const undeclared = connector();
    undeclared.actions[0]!.path = '/items/{item_id}/parts/{part_id}';
    expect(lintOne(undeclared)).toEqual([expect.stringContaining('{part_id} is undeclared')]);
  });

  it('refuses colliding connector and action ids', () => {
    const twin = connector();
    twin.actions.push({ ...twin.actions[0]!, id: 'Items_Get' });
    expect(lintOne(twin)).toEqual([expect.stringContaining('id collides with another action')]);
    const problems = lintCatalog({ definitions: [connector(), connector()], publicConnectors: {}, fileBytes: new Map(), indexBytes: 1, families: false });
    expect(problems).toEqual([expect.stringContaining('connector id collides')]);
    expect(lintOne(connector({ id: 'mcp-acme' }))).toEqual([expect.stringContaining('remote MCP')]);
  });

  it('refuses OAuth without https authorization and token URLs', () => {
    const oauth = connector({
      authMethods: [
        { type: 'oauth2', authorizationUrl: 'http://acme.test/authorize', tokenUrl: 'http://acme.test/token', scopes: [], tokenEndpointAuthMethod: 'client_secret_post' },
      ],
    });
    const problems = lintOne(oauth);
    expect(problems).toEqual([expect.stringContaining('authorization URL'), expect.stringContaining('token URL')]);
  });

  it('refuses a required parameter without a description', () => {
    const bare = connector();
    delete bare.actions[0]!.parameters[0]!.description;
    expect(lintOne(bare)).toEqual([expect.stringContaining('required parameter item_id has no description')]);
  });

  it('refuses a default that its own parameter would reject', () => {
    const wrong = connector();
    wrong.actions[0]!.parameters.push({ name: 'limit', in: 'query', type: 'integer', required: false, default: 'ten' });
    expect(lintOne(wrong)).toEqual([expect.stringContaining('the default of limit is not a valid integer')]);
    wrong.actions[0]!.parameters[1]!.default = 10;
    expect(lintOne(wrong)).toEqual([]);
  });

  it('refuses a catalogue over its size budget', () => {
    expect(lintOne(connector(), {}, CATALOG_BUDGET.connectorBytes + 1)).toEqual([expect.stringContaining('file is')]);
    const problems = lintCatalog({
      definitions: [connector()],
      publicConnectors: {},
      fileBytes: new Map([['acme', 1]]),
      indexBytes: CATALOG_BUDGET.totalBytes,
      families: false,
    });
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('bytes on disk'), expect.stringContaining('index.json is')]));
  });

  it('checks the well-known families', () => {
    const problems = lintCatalog({ definitions: [connector({ id: 'slack' })], publicConnectors: {}, fileBytes: new Map(), indexBytes: 1 });
    expect(problems).toEqual(expect.arrayContaining(['slack: well-known connector has 1 actions (at least 5)', 'slack: well-known connector lacks OAuth', 'github: well-known connector is missing']));
  });
});
