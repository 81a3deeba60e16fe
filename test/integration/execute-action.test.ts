import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { putConnectorSettings } from '../../src/connectors/accountConnectors.js';
import { resolveConnector } from '../../src/connectors/registry.js';
import { createKeyCredential } from '../../src/credentials/lifecycle.js';
import { createAccount, createApiKey } from '../../src/db/repositories/accounts.js';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities/index.js';
import { markSending } from '../../src/db/repositories/upstreamSends.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { searchAttributes } from '../../src/workflows/contracts.js';
import { connectMcp, executeAction, type ToolCallError } from '../support/mcp.js';
import { temporalOAuthFlows } from '../../src/starters/oauth.js';

let app: TestApp;
let fake: FakeSaas;
let accountId: string;
const userId = 'default';
/** The account's server and an MCP client on it: execute_action is driven as an agent drives it. */
let serverId: string;
let mcp: Client;
/** Which account the REST calls act as: each has its own API key, through the real auth middleware. */
const keys = new Map<string, string>();
let currentKey = '';
const rest = {
  async as(id: string) {
    if (!keys.has(id)) {
      keys.set(id, (await createApiKey(app.database.db, { accountId: id, userId, name: 'test' })).key);
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

async function failureOf(promise: Promise<unknown>): Promise<ToolCallError> {
  try {
    await promise;
  } catch (error) {
    return error as ToolCallError;
  }
  throw new Error('expected a failure');
}

/** A server of the account whose API key is current, and an MCP client on its access URL. */
async function serverOfCurrentAccount(): Promise<{ serverId: string; client: Client }> {
  const server = await call('POST', '/api/servers', { name: 'execute_action tests' });
  expect(server.status).toBe(201);
  return { serverId: server.body.serverId, client: await connectMcp(server.body.accessUrl) };
}

beforeAll(async () => {
  [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
  accountId = (await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
  const deps = { db: app.database.db, secretBox: app.secretBox };
  for (const connectorId of ['slack', 'github']) {
    await putConnectorSettings(app.database.db, accountId, connectorId, { baseUrl: fake.url });
    await createKeyCredential(deps, { accountId, userId }, await resolveConnector(app.database.db, accountId, connectorId), {
      connectorId,
      authenticationType: 'bearer',
      fields: { token: fake.token },
    });
  }
  await rest.as(accountId);
  ({ serverId, client: mcp } = await serverOfCurrentAccount());
});

afterAll(async () => {
  await mcp?.close();
  await fake?.close();
  await app?.close();
});

beforeEach(async () => {
  fake.reset();
  fake.channelCount = 10;
  await rest.as(accountId);
});

describe('execute_action over MCP', () => {
  it('posts a Slack message with the stored bearer token, and the run carries its search attributes', async () => {
    const result = await execute('slack', 'chat_postMessage', { channel: 'C1', text: 'hello' });
    expect(result.status).toBe(200);
    expect(result.data).toMatchObject({ ok: true, channel: 'C1', message: { text: 'hello' } });
    expect(result.workflowId).toMatch(new RegExp(`^execute-action/${serverId}/[0-9a-f-]{36}$`));
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${fake.token}`);

    const description = await app.temporal.client.workflow.getHandle(result.workflowId).describe();
    const attributes = description.typedSearchAttributes;
    expect(attributes.get(searchAttributes.accountId)).toBe(accountId);
    expect(attributes.get(searchAttributes.serverId)).toBe(serverId);
    expect(attributes.get(searchAttributes.userId)).toBe(userId);
    expect(attributes.get(searchAttributes.connectorId)).toBe('slack');
    expect(attributes.get(searchAttributes.actionId)).toBe('chat_postMessage');
    expect(attributes.get(searchAttributes.runKind)).toBe('action');
    expect(attributes.get(searchAttributes.outcome)).toBe('succeeded');
    // Queued under its account's fairness key (ordered by a cluster with task-queue fairness).
    expect(description.priority).toMatchObject({ fairnessKey: accountId, fairnessWeight: 1 });
    // Nothing secret in the run's history.
    const history = JSON.stringify(await app.temporal.client.workflow.getHandle(result.workflowId).fetchHistory());
    expect(history).not.toContain(fake.token);
  });

  it('refuses missing and mistyped parameters before starting anything', async () => {
    const error = await failureOf(execute('slack', 'chat_postMessage', { text: 5, colour: 'red' }));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details.issues).toEqual(
      expect.arrayContaining([
        { parameter: 'channel', message: 'required parameter is missing' },
        expect.objectContaining({ parameter: 'text' }),
        { parameter: 'colour', message: 'unknown parameter' },
      ]),
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('fails at once on an upstream 400 with its status and body', async () => {
    fake.fail({ path: '/chat.postMessage', status: 400, body: { ok: false, error: 'invalid_blocks' } });
    const error = await failureOf(execute('slack', 'chat_postMessage', { channel: 'C1', text: 'x' }));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.details).toMatchObject({ status: 400, body: expect.stringContaining('invalid_blocks') });
    expect(fake.requests).toHaveLength(1);
  });

  it('waits out a 429 for at least its Retry-After, then succeeds', async () => {
    fake.fail({ path: '/conversations.list', status: 429, headers: { 'retry-after': '2' }, times: 1 });
    const result = await execute('slack', 'conversations_list', {});
    expect(result.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(2000);
  });

  it('retries a 500 on an idempotent action until it succeeds', async () => {
    fake.fail({ path: '/conversations.list', status: 500, times: 2 });
    const result = await execute('slack', 'conversations_list', {});
    expect(result.status).toBe(200);
    expect(fake.requests).toHaveLength(3);
  });

  it('does not resend a non-idempotent POST after a 500: no duplicate issue', async () => {
    fake.fail({ path: '/repos/acme/web/issues', status: 500, times: 1 });
    const error = await failureOf(execute('github', 'issues_create', { owner: 'acme', repo: 'web', title: 'Bug' }));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toMatch(/not idempotent/);
    expect(fake.requests).toHaveLength(1);
  });

  it('URL-encodes path parameters', async () => {
    const result = await execute('github', 'issues_create', { owner: 'acme', repo: 'we b/../x', title: 'Bug' });
    expect(result.status).toBe(201);
    expect(fake.requests[0]!.path).toBe('/repos/acme/we%20b%2F..%2Fx/issues');
  });

  it('passes small lists through, cuts 25–50 items to 25 and turns more than 50 into guidance', async () => {
    fake.channelCount = 10;
    const small = await execute('slack', 'conversations_list', {});
    expect((small.data as { channels: unknown[] }).channels).toHaveLength(10);

    fake.channelCount = 40;
    const medium = (await execute('slack', 'conversations_list', {})).data as any;
    expect(medium.metadata).toEqual({
      originalCount: 40,
      displayedCount: 25,
      truncated: true,
      paginationHint: 'Showing first 25 of 40 items.',
    });
    expect(medium.data.channels).toHaveLength(25);
    expect(medium.data.response_metadata).toBeDefined();

    fake.channelCount = 300;
    const large = (await execute('slack', 'conversations_list', {})).data as any;
    expect(large.needsRefinement).toBe(true);
    expect(large.message).toBe('Found 300 channels. This is too many to display effectively.');
    expect(large.suggestions[0]).toBe('Try: conversations_list with limit parameter (e.g., { limit: 10 })');
    expect(large.searchInstructions).toContain('- limit (query)');
    expect(large.samples).toHaveLength(3);
    expect(Object.keys(large.samples[0])).toEqual(['id', 'name', 'is_private', 'is_archived', 'is_member', 'num_members', 'topic', 'purpose']);
  });

  it('stops reading an oversize body at 5 MiB and says so', async () => {
    fake.fail({ path: '/conversations.list', oversizeBytes: 7 * 1024 * 1024, times: 1 });
    const result = await execute('slack', 'conversations_list', {});
    expect(result.notes?.join(' ')).toMatch(/5 MiB \(UPSTREAM_MAX_RESPONSE_BYTES\)/);
    expect(JSON.stringify(result).length).toBeLessThan(300 * 1024);
  });

  it('refuses loopback hosts not in EGRESS_ALLOW_HOSTS and cloud metadata addresses', async () => {
    const port = new URL(fake.url).port;
    await putConnectorSettings(app.database.db, accountId, 'slack', { baseUrl: `http://127.0.0.2:${port}` });
    try {
      const loopback = await failureOf(execute('slack', 'conversations_list', {}));
      expect(loopback.code).toBe('FORBIDDEN');
      expect(loopback.details).toMatchObject({ address: '127.0.0.2', reason: 'loopback' });

      await putConnectorSettings(app.database.db, accountId, 'slack', { baseUrl: 'http://169.254.169.254' });
      const metadata = await failureOf(execute('slack', 'conversations_list', {}));
      expect(metadata.code).toBe('FORBIDDEN');
      expect(metadata.details).toMatchObject({ reason: 'cloud metadata' });
    } finally {
      await putConnectorSettings(app.database.db, accountId, 'slack', { baseUrl: fake.url });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('reports a missing credential with the connector and its auth types', async () => {
    const other = await createAccount(app.database.db, app.secretBox, { name: 'other' });
    await rest.as(other.id);
    const { client } = await serverOfCurrentAccount();
    const error = await failureOf(executeAction(client, { connectorId: 'slack', actionId: 'conversations_list', parameters: {} }));
    await client.close();
    expect(error.code).toBe('CREDENTIAL_NOT_FOUND');
    expect(error.details).toMatchObject({ connectorId: 'slack', authTypes: ['oauth2', 'bearer'] });
  });
});

describe('a worker that dies mid-call', () => {
  it('never sends a non-idempotent request again when an earlier run of the attempt may have sent it', async () => {
    const { attemptConnectorAction } = createActivities({
      config: app.config,
      db: app.database.db,
      secretBox: app.secretBox,
      logger: app.logger,
      temporal: app.temporal,
      oauthFlows: temporalOAuthFlows({ db: app.database.db, temporal: app.temporal, config: app.config }),
    });
    const info = { workflowExecution: { workflowId: 'execute-action/srv_test/crashed', runId: 'run-1' }, activityId: '1', isLocal: true };
    const action = { accountId, userId, serverId: 'srv_test', connectorId: 'github', actionId: 'issues_create', parameters: { owner: 'octo', repo: 'hello', title: 'once' } };
    const input = { action, attempt: 1, refreshOn401: true, leaseId: 'execute-action/srv_test/crashed/lease-1' };

    // The first worker marked the send and was killed before the answer came: its mark stays.
    await markSending(app.database.db, 'execute-action/srv_test/crashed/run-1/1');
    // A real kill is in test/faults/crash.test.ts; here the re-run of that attempt is simulated.
    const rerun = new MockActivityEnvironment(info);
    expect(await rerun.run(attemptConnectorAction, input)).toMatchObject({
      kind: 'failed',
      error: { code: 'UPSTREAM_ERROR', details: { sent: 'unknown' } },
    });
    expect(fake.issues).toHaveLength(0);

    // An ordinary attempt sends once and leaves no mark behind (cleared in a batch once it returned).
    expect(await new MockActivityEnvironment({ ...info, activityId: '2' }).run(attemptConnectorAction, input)).toMatchObject({ kind: 'succeeded' });
    expect(fake.issues).toHaveLength(1);
    await expect
      .poll(() => app.database.db.selectFrom('upstream_sends').selectAll().where('key', 'like', '%/run-1/2').execute(), { timeout: 10_000 })
      .toEqual([]);
  });
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
