import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealPlainConnectorUrls } from '../../src/remoteMcp/registry.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { api, toolError } from '../support/mcp.js';
import { startHangingServer, startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

/**
 * Issue 14, findings 4 and 5 (except the import ones): unbounded session rows, batches that cost
 * one token, ".." path values, special-purpose addresses, URLs in clear, an unlimited OAuth
 * callback and a hanging remote server stalling list_connectors. Each replayed as the attacker
 * sent it, asserting the refusal or the bound.
 */
/** The default, and the issue's example: a batch of 100 tools/call cost one token of it. */
const RATE_LIMIT = 100;
const URL_CANARY = 'canary-url-key-4f5e6d7c8b9a';
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

let app: TestApp;
let fake: FakeSaas;
let remote: RemoteMcpServer;
let hanging: Awaited<ReturnType<typeof startHangingServer>>;

// The REST set-up calls (about 40) share the API key's bucket of RATE_LIMIT: well inside it.
const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
const rawMcp = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body: JSON.stringify(body) });
const toolCall = (id: number, name: string, args: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

async function tool(url: string, name: string, args: Record<string, unknown>) {
  const text = await (await rawMcp(url, toolCall(1, name, args))).text();
  return (JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? text) as { result: { isError?: boolean; structuredContent: any } }).result;
}

async function newServer(name: string): Promise<{ serverId: string; accessUrl: string }> {
  const created = await call('POST', '/api/servers', { name });
  expect(created.status).toBe(201);
  return created.body;
}

beforeAll(async () => {
  [app, fake, remote, hanging] = await Promise.all([
    startTestApp({ env: { RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT), STATE_CLEANUP_INTERVAL_SECONDS: '1' } }),
    startFakeSaas(),
    startRemoteMcpServer(),
    startHangingServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([fake?.close(), remote?.close(), hanging?.close()]);
  await app?.close();
});

describe('bounded state', () => {
  it('initialize with 2 MB of capabilities stores a few bytes, and keeps the flags we act on', async () => {
    const server = await newServer('huge capabilities');
    const capabilities = { elicitation: { url: {}, form: {} }, experimental: { junk: { data: 'x'.repeat(2 * 1024 * 1024) } }, sampling: { more: 'y'.repeat(1000) } };
    const response = await rawMcp(server.accessUrl, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: `2025-11-25${'z'.repeat(100_000)}`, capabilities, clientInfo: { name: 'attacker', version: '1' } },
    });
    expect(response.status).toBe(200);
    await response.text();
    const sessionId = response.headers.get('mcp-session-id')!;
    const row = await app.database.db.selectFrom('mcp_sessions').selectAll().where('session_id', '=', sessionId).executeTakeFirstOrThrow();
    expect(row.capabilities).toEqual({ elicitation: { url: {}, form: {} }, sampling: {} });
    expect(row.protocol_version.length).toBeLessThanOrEqual(32);
  });

  it('the worker expires old sessions, expired tasks and stale send marks on its schedule, and keeps live ones', async () => {
    const { db } = app.database;
    const accountId = (await db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
    const owner = { account_id: accountId, user_id: 'default', server_id: 'srv' };
    await db
      .insertInto('mcp_sessions')
      .values([
        { session_id: 'stale-session', ...owner, protocol_version: '2025-11-25', capabilities: '{}', created_at: daysAgo(8) },
        { session_id: 'live-session', ...owner, protocol_version: '2025-11-25', capabilities: '{}', created_at: daysAgo(1) },
      ])
      .execute();
    await db
      .insertInto('mcp_tasks')
      .values([
        { task_id: 'stale-task', ...owner, workflow_id: 'w1', tool_name: 'execute_action', ttl_ms: 60_000, created_at: daysAgo(1) },
        { task_id: 'live-task', ...owner, workflow_id: 'w2', tool_name: 'execute_action', ttl_ms: 3 * 86_400_000, created_at: daysAgo(1) },
      ])
      .execute();
    await db
      .insertInto('upstream_sends')
      .values([
        { key: 'crashed-worker-mark', sent_at: daysAgo(2) },
        { key: 'in-flight-mark', sent_at: new Date() },
      ])
      .execute();

    const left = async () => ({
      sessions: (await db.selectFrom('mcp_sessions').select('session_id').where('session_id', 'in', ['stale-session', 'live-session']).execute()).map((r) => r.session_id),
      tasks: (await db.selectFrom('mcp_tasks').select('task_id').execute()).map((r) => r.task_id),
      marks: (await db.selectFrom('upstream_sends').select('key').execute()).map((r) => r.key),
    });
    const expected = { sessions: ['live-session'], tasks: ['live-task'], marks: ['in-flight-mark'] };
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && JSON.stringify(await left()) !== JSON.stringify(expected)) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await left()).toEqual(expected);
    expect(app.logs.lines.some((line) => line.includes('expired state cleaned up'))).toBe(true);
  });
});

describe('rate limit per JSON-RPC message', () => {
  it('a batch takes one token per message: the bucket is empty after it, and a bigger batch is refused', async () => {
    const server = await newServer('batcher');
    const batch = Array.from({ length: RATE_LIMIT }, (_, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'tools/list' }));
    const first = await rawMcp(server.accessUrl, batch);
    expect(first.status).toBe(200);
    await first.text();
    const next = await rawMcp(server.accessUrl, { jsonrpc: '2.0', id: 99, method: 'tools/list' });
    expect(next.status).toBe(429);
    expect(((await next.json()) as any).error.data.code).toBe('RATE_LIMITED');

    const other = await newServer('bigger batcher');
    const tooBig = await rawMcp(other.accessUrl, [...batch, { jsonrpc: '2.0', id: 1000, method: 'tools/list' }]);
    expect(tooBig.status).toBe(400);
    expect(((await tooBig.json()) as any).error.data.code).toBe('INVALID_REQUEST');
  });

  it('the public OAuth callback is limited per client address', async () => {
    // The bucket refills while we send (RATE_LIMIT per minute), so a few more may pass than it held.
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 20 && !statuses.includes(429); i++) {
      statuses.push((await fetch(`${app.apiUrl}/oauth/callback?state=guess-${i}`)).status);
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.length).toBeGreaterThan(RATE_LIMIT);
    expect(statuses.slice(0, -1).every((status) => status === 400)).toBe(true);
  });
});

describe('path parameters', () => {
  it('"." and ".." are refused before anything is sent; other injection attempts stay in one segment', async () => {
    const connector = {
      id: 'profiles',
      name: 'Profiles',
      baseUrl: fake.url,
      authMethods: [{ type: 'none' }],
      resources: [{ id: 'users', name: 'Users' }],
      actions: [
        {
          id: 'get_profile',
          resource: 'users',
          title: 'Get profile',
          description: 'Reads a user profile',
          method: 'GET',
          path: '/users/{id}/profile',
          idempotent: true,
          parameters: [{ name: 'id', in: 'path', type: 'string', required: true }],
          response: {},
        },
      ],
    };
    expect((await call('POST', '/api/connectors', connector)).status).toBe(201);
    const server = await newServer('paths');
    fake.requests.length = 0;
    for (const id of ['..', '.']) {
      const refused = await tool(server.accessUrl, 'execute_action', { connectorId: 'profiles', actionId: 'get_profile', parameters: { id } });
      expect(refused.isError).toBe(true);
      expect(toolError(refused)).toMatchObject({ code: 'INVALID_REQUEST', details: { issues: [expect.objectContaining({ parameter: 'id' })] } });
    }
    expect(fake.requests).toEqual([]);
    for (const id of ['../admin', '..%2Fadmin', 'a/../../b']) {
      await tool(server.accessUrl, 'execute_action', { connectorId: 'profiles', actionId: 'get_profile', parameters: { id } });
    }
    expect(fake.requests.map((request) => request.path)).toEqual(['/users/..%2Fadmin/profile', '/users/..%252Fadmin/profile', '/users/a%2F..%2F..%2Fb/profile']);
  });
});

describe('egress to special-purpose addresses', () => {
  const targets = ['http://192.0.2.1', 'http://198.18.0.1', 'http://[::7f00:1]:1', 'http://[64:ff9b::7f00:1]:1', 'http://[2002:7f00:1::1]', 'http://[fec0::1]', 'http://[::ffff:0:7f00:1]', 'http://[2001:db8::1]'];

  it.each(targets)('refuses %s before sending anything', async (baseUrl) => {
    const id = `special-${targets.indexOf(baseUrl)}`;
    const connector = {
      id,
      name: id,
      baseUrl,
      authMethods: [{ type: 'none' }],
      resources: [{ id: 'things', name: 'Things' }],
      actions: [{ id: 'get', resource: 'things', title: 'Get', description: 'Reads a thing', method: 'GET', path: '/thing', idempotent: true, parameters: [], response: {} }],
    };
    expect((await call('POST', '/api/connectors', connector)).status).toBe(201);
    const server = await newServer(id);
    const result = await tool(server.accessUrl, 'execute_action', { connectorId: id, actionId: 'get', parameters: {} });
    expect(result.isError).toBe(true);
    expect(toolError(result)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/^Refusing to call/) });
  });
});

describe('remote MCP connectors', () => {
  it('a URL is sealed at rest and masked in answers; an edit sending the masked URL back keeps it', async () => {
    const created = await call('POST', '/api/mcp-connectors', { name: 'Keyed', url: `${remote.url}?api_key=${URL_CANARY}` });
    expect(created.status).toBe(201);
    const host = new URL(remote.url).host;
    expect(created.body.url).toBe(`http://${host}/…`);
    const listed = await call('GET', '/api/mcp-connectors');
    expect(JSON.stringify(listed.body)).not.toContain(URL_CANARY);
    const row = await app.database.db.selectFrom('mcp_connectors').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(URL_CANARY);

    const renamed = await call('PUT', `/api/mcp-connectors/${created.body.id}`, { name: 'Keyed Renamed', url: created.body.url });
    expect(renamed.status).toBe(200);
    expect((await call('POST', '/api/mcp-connectors/test', { connectorId: created.body.id })).body).toMatchObject({ ok: true });
  });

  it('rows stored in clear before sealing are sealed at start-up', async () => {
    const { db } = app.database;
    const accountId = (await db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
    await db
      .insertInto('mcp_connectors')
      .values({ id: 'mcp_legacy', account_id: accountId, name: 'Legacy', slug: 'legacy', type: 'simple', url: `${remote.url}?api_key=${URL_CANARY}` })
      .execute();
    expect(await sealPlainConnectorUrls(db, app.secretBox)).toBe(1);
    const row = await db.selectFrom('mcp_connectors').selectAll().where('id', '=', 'mcp_legacy').executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(URL_CANARY);
    expect((await call('POST', '/api/mcp-connectors/test', { connectorId: 'mcp_legacy' })).body).toMatchObject({ ok: true });
  });

  it('a hanging assigned server costs list_connectors half a second once, then nothing', async () => {
    const created = await call('POST', '/api/mcp-connectors', { name: 'Hangs', url: hanging.url });
    const server = await newServer('hanging');
    expect((await call('POST', `/api/servers/${server.serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);
    for (const bound of [2_000, 300, 300]) {
      const started = Date.now();
      const listed = await tool(server.accessUrl, 'list_connectors', {});
      expect(Date.now() - started).toBeLessThan(bound);
      expect(listed.structuredContent.connectors).toEqual([expect.objectContaining({ id: 'mcp-hangs', note: expect.stringMatching(/being listed|could not be listed/) })]);
    }
  });
});
