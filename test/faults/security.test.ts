import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createApiKey, getAccount, userTokenSecretOf } from '../../src/db/repositories/accounts.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { api, toolError } from '../support/mcp.js';

/**
 * Isolation, token lifetimes, egress and secret hygiene, each as a refusal a client can observe.
 * (OAuth state replay and redirect mismatch: test/integration/oauth-credentials.test.ts.)
 */
const CANARY_TOKEN = 'canary-credential-7f3a9c1e5b2d4680';
const CANARY_VARIABLE = 'canary-variable-0d9e8c7b6a5f4e3d';

let app: TestApp;
let strict: TestApp;
let fake: FakeSaas;
let redirector: Server;
let redirectorUrl: string;
/** Every body an API or MCP call answered with, to look for canaries in. */
const answers: string[] = [];

async function call(target: TestApp, key: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const answer = await api(target.apiUrl, key, method, path, body, headers);
  answers.push(JSON.stringify(answer.body ?? null));
  return answer;
}

async function mcpTool(url: string, name: string, args: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
  });
  const text = await response.text();
  answers.push(text);
  const message = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? text) as {
    result?: { isError?: boolean };
    error?: { data?: { code: string } };
  };
  return { status: response.status, message };
}

const connector = (id: string, baseUrl: string, path = '/charges') => ({
  id,
  name: id,
  baseUrl,
  authMethods: [{ type: 'bearer' }],
  resources: [{ id: 'things', name: 'Things' }],
  actions: [
    {
      id: 'create',
      resource: 'things',
      title: 'Create',
      description: 'Creates a thing',
      method: 'POST',
      path,
      idempotencyKeyHeader: 'Idempotency-Key',
      parameters: [{ name: 'amount', in: 'body', type: 'integer', required: true }],
      response: {},
    },
  ],
});

beforeAll(async () => {
  [app, strict, fake] = await Promise.all([
    startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }),
    startTestApp({ env: { EGRESS_ALLOW_HOSTS: '', RATE_LIMIT_PER_MINUTE: '100000' } }),
    startFakeSaas({ token: CANARY_TOKEN }),
  ]);
  // An upstream that answers every request with a redirect to the cloud metadata address.
  redirector = createServer((req, res) => {
    res.writeHead(302, { location: req.url === '/charges' ? 'http://169.254.169.254/latest/meta-data/' : `${fake.url}/secret` });
    res.end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
});
afterAll(async () => {
  redirector?.close();
  await fake?.close();
  await Promise.all([app?.close(), strict?.close()]);
});

describe('isolation between accounts and users', () => {
  it("refuses another account's servers, connectors, credentials, runs and MCP endpoint", async () => {
    const key = app.apiKey;
    const server = await call(app, key, 'POST', '/api/servers', { name: 'mine' });
    expect((await call(app, key, 'POST', '/api/connectors', connector('acme-pay', fake.url))).status).toBe(201);
    const credential = await call(app, key, 'POST', '/api/credentials', { connectorId: 'acme-pay', authenticationType: 'bearer', fields: { token: CANARY_TOKEN } });
    const run = await call(app, key, 'POST', '/api/runs', { kind: 'action', serverId: server.body.serverId, connectorId: 'acme-pay', actionId: 'create', parameters: { amount: 1 } });
    expect(run.status).toBe(202);

    const other = await createAccount(app.database.db, app.secretBox, { name: 'intruder' });
    const theirs = (await createApiKey(app.database.db, { accountId: other.id, userId: 'mallory', name: 'x' })).key;
    const serverPath = `/api/servers/${server.body.serverId}`;
    expect((await call(app, theirs, 'GET', serverPath)).status).toBe(403);
    expect((await call(app, theirs, 'PUT', serverPath, { name: 'taken' })).status).toBe(403);
    expect((await call(app, theirs, 'DELETE', serverPath)).status).toBe(403);
    expect((await call(app, theirs, 'GET', '/api/connectors/acme-pay')).status).toBe(404);
    expect((await call(app, theirs, 'DELETE', `/api/credentials/${credential.body.credentialId}`)).status).toBe(404);
    expect((await call(app, theirs, 'GET', '/api/credentials')).body.credentials).toEqual([]);
    expect((await call(app, theirs, 'GET', `/api/runs/${encodeURIComponent(run.body.runId)}`)).status).toBe(404);
    expect((await call(app, theirs, 'POST', `/api/runs/${encodeURIComponent(run.body.runId)}/cancel`)).status).toBe(404);
    const mcp = await mcpTool(`${app.apiUrl}/mcp/${server.body.serverId}`, 'get_credentials', {}, { authorization: `Bearer ${theirs}` });
    expect(mcp.status).toBe(403);
    expect(mcp.message.error?.data?.code).toBe('FORBIDDEN');
    // Running the account's connector with the victim's credential id from the intruder's own server.
    const ownServer = await call(app, theirs, 'POST', '/api/servers', { name: 'theirs' });
    const stolen = await mcpTool(ownServer.body.accessUrl, 'execute_action', {
      connectorId: 'acme-pay', actionId: 'create', parameters: { amount: 2 }, credentialId: credential.body.credentialId,
    });
    expect(stolen.message.result?.isError).toBe(true);
    expect(fake.charges.map((charge) => charge.amount)).not.toContain(2);
  });

  it("refuses another user's server, credentials and runs to a user token of the same account", async () => {
    const server = await call(app, app.apiKey, 'POST', '/api/servers', { name: 'owner only' });
    const run = (await call(app, app.apiKey, 'GET', '/api/runs')).body.runs[0] as { runId: string };
    const bob = (await call(app, app.apiKey, 'POST', '/api/user-tokens', { userId: 'bob' })).body.token as string;
    const asBob = async (path: string) => {
      const response = await fetch(`${app.apiUrl}${path}`, { headers: { 'x-user-token': bob } });
      const text = await response.text();
      answers.push(text);
      return { status: response.status, body: JSON.parse(text) as any };
    };
    expect((await asBob(`/api/servers/${server.body.serverId}`)).status).toBe(403);
    expect((await asBob('/api/credentials')).body.credentials).toEqual([]);
    expect((await asBob('/api/runs')).body.runs).toEqual([]);
    expect((await asBob('/api/runs?userId=default')).status).toBe(403);
    expect([403, 404]).toContain((await asBob(`/api/runs/${encodeURIComponent(run.runId)}`)).status);
  });
});

describe('token lifetimes', () => {
  it('refuses a revoked API key, a rotated or expired access token and an expired user token', async () => {
    const created = await call(app, app.apiKey, 'POST', '/api/keys', { name: 'short-lived' });
    expect((await call(app, created.body.key, 'GET', '/api/servers')).status).toBe(200);
    expect((await call(app, app.apiKey, 'DELETE', `/api/keys/${created.body.id ?? created.body.keyId}`)).status).toBe(200);
    expect((await call(app, created.body.key, 'GET', '/api/servers')).status).toBe(401);

    const server = await call(app, app.apiKey, 'POST', '/api/servers', { name: 'tokens' });
    expect((await mcpTool(server.body.accessUrl, 'get_credentials', {})).status).toBe(200);
    await app.database.db.updateTable('server_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('server_id', '=', server.body.serverId).execute();
    const expired = await mcpTool(server.body.accessUrl, 'get_credentials', {});
    expect(expired.status).toBe(401);
    expect(expired.message.error?.data?.code).toBe('UNAUTHORIZED');

    const account = (await getAccount(app.database.db, (await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id))!;
    const stale = await new SignJWT({ acct: account.id })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('switchboard')
      .setSubject('alice')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(userTokenSecretOf(account, app.secretBox)));
    const refused = await fetch(`${app.apiUrl}/api/servers`, { headers: { 'x-user-token': stale } });
    expect(refused.status).toBe(401);
  });
});

describe('egress (EGRESS_ALLOW_HOSTS empty)', () => {
  const targets = ['http://localhost:1', 'http://127.0.0.1:1', 'http://[::1]:1', 'http://0.0.0.0:1', 'http://0x7f000001:1', 'http://2130706433:1', 'http://169.254.169.254', 'http://10.0.0.1', 'http://192.168.1.1', 'http://[::ffff:127.0.0.1]:1', 'http://[fd00:ec2::254]'];

  it.each(targets)('refuses %s before sending anything', async (baseUrl) => {
    const id = `ssrf-${targets.indexOf(baseUrl)}`;
    expect((await call(strict, strict.apiKey, 'POST', '/api/connectors', connector(id, baseUrl))).status).toBe(201);
    await call(strict, strict.apiKey, 'POST', '/api/credentials', { connectorId: id, authenticationType: 'bearer', fields: { token: CANARY_TOKEN } });
    const server = await call(strict, strict.apiKey, 'POST', '/api/servers', { name: id });
    const started = Date.now();
    const result = await mcpTool(server.body.accessUrl, 'execute_action', { connectorId: id, actionId: 'create', parameters: { amount: 1 } });
    expect(result.message.result?.isError).toBe(true);
    expect(toolError(result.message.result)?.code).toBe('FORBIDDEN');
    expect(toolError(result.message.result)?.message).toMatch(/loopback|private|metadata|unspecified|link-local/);
    // Refused outright, not retried as a network failure.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('never follows a redirect: not to the metadata address, not back to an allowed host', async () => {
    // The default test app allows 127.0.0.1, where the redirecting upstream lives.
    for (const [id, path] of [['redirect-metadata', '/charges'], ['redirect-local', '/elsewhere']] as const) {
      expect((await call(app, app.apiKey, 'POST', '/api/connectors', connector(id, redirectorUrl, path))).status).toBe(201);
      await call(app, app.apiKey, 'POST', '/api/credentials', { connectorId: id, authenticationType: 'bearer', fields: { token: CANARY_TOKEN } });
      const server = await call(app, app.apiKey, 'POST', '/api/servers', { name: id });
      const result = await mcpTool(server.body.accessUrl, 'execute_action', { connectorId: id, actionId: 'create', parameters: { amount: 1 } });
      expect(result.message.result?.isError).toBe(true);
      expect(toolError(result.message.result)).toMatchObject({ code: 'UPSTREAM_ERROR', details: { status: 302 } });
    }
    expect(fake.requests.filter((request) => request.path === '/secret')).toEqual([]);
  });
});

describe('secret hygiene', () => {
  it('keeps canary secrets out of every log line, answer, error body and workflow history', async () => {
    expect((await call(app, app.apiKey, 'PUT', `/api/variables/canary`, { value: CANARY_VARIABLE })).status).toBe(200);
    await call(app, app.apiKey, 'GET', '/api/variables');
    await call(app, app.apiKey, 'GET', '/api/credentials');
    const server = await call(app, app.apiKey, 'POST', '/api/servers', { name: 'canaries' });
    // A success, then an upstream error whose body echoes the token back.
    expect((await mcpTool(server.body.accessUrl, 'execute_action', { connectorId: 'acme-pay', actionId: 'create', parameters: { amount: 7 } })).message.result?.isError).toBeFalsy();
    fake.fail({ path: '/charges', status: 400, body: { error: 'bad token', echo: `Bearer ${CANARY_TOKEN}` }, times: 1 });
    const failed = await mcpTool(server.body.accessUrl, 'execute_action', { connectorId: 'acme-pay', actionId: 'create', parameters: { amount: 8 } });
    expect(failed.message.result?.isError).toBe(true);
    await call(app, app.apiKey, 'GET', '/api/runs');

    const histories: string[] = [];
    for await (const run of app.temporal.client.workflow.list({ query: `TaskQueue = '${app.temporal.taskQueue}'` })) {
      histories.push(JSON.stringify(await app.temporal.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory()));
    }
    expect(histories.length).toBeGreaterThan(0);
    for (const canary of [CANARY_TOKEN, CANARY_VARIABLE]) {
      expect(app.logs.lines.filter((line) => line.includes(canary))).toEqual([]);
      expect(strict.logs.text()).not.toContain(canary);
      expect(answers.filter((answer) => answer.includes(canary))).toEqual([]);
      expect(histories.filter((history) => history.includes(canary))).toEqual([]);
    }
  });
});
