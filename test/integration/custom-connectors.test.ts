import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createAccount, createApiKey } from '../../src/db/repositories/accounts.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { connectToFakeSaas } from '../support/fixtures.js';
import { connectMcp, executeAction } from '../support/mcp.js';

/**
 * Custom connectors and OpenAPI imports over REST, executed over MCP as an agent calls them, and
 * the credentials API's listing (split from execute-action.test.ts, which drives the catalogue's).
 */
let app: TestApp;
let fake: FakeSaas;
let accountId: string;
let mcp: Client;
/** Which account the REST calls act as: each has its own API key, through the real auth middleware. */
const keys = new Map<string, string>();
let currentKey = '';
const rest = {
  async as(id: string) {
    if (!keys.has(id)) {
      keys.set(id, (await createApiKey(app.database.db, { accountId: id, userId: 'default', name: 'test' })).key);
    }
    currentKey = keys.get(id)!;
  },
};

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const response = await fetch(`${app.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${currentKey}`,
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

function execute(connectorId: string, actionId: string, parameters: Record<string, unknown>, extra: { credentialId?: string } = {}) {
  return executeAction(mcp, { connectorId, actionId, parameters, ...extra });
}

beforeAll(async () => {
  [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
  accountId = (await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
  await connectToFakeSaas(app, fake, ['slack']);
  await rest.as(accountId);
  const server = await call('POST', '/api/servers', { name: 'custom connector tests' });
  expect(server.status).toBe(201);
  mcp = await connectMcp(server.body.accessUrl);
});

afterAll(async () => {
  await mcp?.close();
  await fake?.close();
  await app?.close();
});

beforeEach(async () => {
  fake.reset();
  await rest.as(accountId);
});

describe('custom connectors over REST', () => {
  const definition = () => ({
    id: 'acme-tracker',
    name: 'Acme Tracker',
    baseUrl: fake.url,
    authMethods: [{ type: 'bearer' }],
    resources: [{ id: 'issues', name: 'Issues' }],
    actions: [
      {
        id: 'create_issue',
        resource: 'issues',
        title: 'Create an issue',
        description: 'Creates an issue',
        method: 'POST',
        path: '/repos/{owner}/{repo}/issues',
        idempotencyKeyHeader: 'Idempotency-Key',
        parameters: [
          { name: 'owner', in: 'path', type: 'string', required: true },
          { name: 'repo', in: 'path', type: 'string', required: true },
          { name: 'title', in: 'body', type: 'string', required: true },
        ],
        response: {},
      },
    ],
  });

  it('creates, executes (retrying a keyed POST with one idempotency key), hides from other accounts, deletes', async () => {
    const created = await call('POST', '/api/connectors', definition());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'acme-tracker', origin: 'custom', category: 'other' });

    const credential = await call('POST', '/api/credentials', {
      connectorId: 'acme-tracker',
      authenticationType: 'bearer',
      fields: { token: fake.token },
    });
    expect(credential.status).toBe(201);
    expect(JSON.stringify(credential.body)).not.toContain(fake.token);
    expect(credential.body.hints.token).toBe(`…${fake.token.slice(-6)}`);

    fake.fail({ path: '/repos/acme/web/issues', status: 500, times: 1 });
    const result = await execute('acme-tracker', 'create_issue', { owner: 'acme', repo: 'web', title: 'Bug' }, {
      credentialId: credential.body.credentialId,
    });
    expect(result.status).toBe(201);
    expect(fake.requests).toHaveLength(2);
    const keys = fake.requests.map((request) => request.headers['idempotency-key']);
    expect(keys[0]).toBe(result.workflowId);
    expect(keys[1]).toBe(keys[0]);

    const listed = await call('GET', '/api/connectors?category=other');
    expect(listed.body.connectors.map((c: { id: string }) => c.id)).toContain('acme-tracker');

    const other = await createAccount(app.database.db, app.secretBox, { name: 'someone else' });
    await rest.as(other.id);
    expect((await call('GET', '/api/connectors/acme-tracker')).status).toBe(404);
    expect((await call('DELETE', '/api/connectors/acme-tracker')).status).toBe(404);
    await rest.as(accountId);

    expect((await call('DELETE', '/api/connectors/acme-tracker')).status).toBe(200);
    expect((await call('GET', '/api/connectors/acme-tracker')).status).toBe(404);
  });

  it('enforces the limits and refuses to shadow a catalogue id', async () => {
    const many = { ...definition(), id: 'too-many', actions: Array.from({ length: 101 }, (_, i) => ({ ...definition().actions[0]!, id: `a${i}` })) };
    const tooMany = await call('POST', '/api/connectors', many);
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('at most 100 operations');

    const auth = { ...definition(), id: 'too-many-auth', authMethods: Array.from({ length: 6 }, () => ({ type: 'bearer' })) };
    expect(JSON.stringify((await call('POST', '/api/connectors', auth)).body)).toContain('at most 5 auth methods');

    const shadow = await call('POST', '/api/connectors', { ...definition(), id: 'slack' });
    expect(shadow.status).toBe(409);
  });

  it('imports an OpenAPI 3 YAML document and executes one of its operations', async () => {
    const yaml = `openapi: 3.0.3
info: { title: Chatter, version: "1.0" }
servers: [{ url: "https://chatter.example.net/api" }]
components:
  securitySchemes:
    token: { type: http, scheme: bearer }
security: [{ token: [] }]
paths:
  /conversations.list:
    get:
      operationId: listChannels
      tags: [channels]
      parameters:
        - { name: limit, in: query, schema: { type: integer } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  channels: { type: array, items: { type: object, properties: { id: { type: string }, name: { type: string } } } }
`;
    const imported = await call('POST', `/api/connectors/import?id=chatter&baseUrl=${encodeURIComponent(fake.url)}`, yaml, 'application/yaml');
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ id: 'chatter', name: 'Chatter', authMethods: [{ type: 'bearer' }] });
    expect(imported.body.actions[0]).toMatchObject({ id: 'listChannels', method: 'GET', response: { itemsPath: 'channels' } });

    await call('POST', '/api/credentials', { connectorId: 'chatter', authenticationType: 'bearer', fields: { token: fake.token } });
    const result = await execute('chatter', 'listChannels', { limit: 5 });
    expect((result.data as { channels: unknown[] }).channels).toHaveLength(5);
    expect(fake.requests[0]!.query).toEqual({ limit: '5' });
  });

  it('imports a Swagger 2 JSON document', async () => {
    const swagger = {
      swagger: '2.0',
      info: { title: 'Old API', version: '1' },
      host: 'old.example.net',
      basePath: '/v1',
      schemes: ['https'],
      securityDefinitions: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } },
      paths: { '/things': { get: { operationId: 'listThings', responses: { 200: { description: 'ok' } } } } },
    };
    const imported = await call('POST', '/api/connectors/import', { document: swagger, id: 'old-api' });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      baseUrl: 'https://old.example.net/v1',
      authMethods: [{ type: 'apiKey', in: 'header', name: 'X-Api-Key' }],
    });
  });

  it('lists, masks and deletes credentials', async () => {
    const listed = await call('GET', '/api/credentials?connectorId=slack');
    expect(listed.body.count).toBe(1);
    expect(JSON.stringify(listed.body)).not.toContain(fake.token);
    const bad = await call('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toMatchObject({ missing: ['token'] });
  });
});
