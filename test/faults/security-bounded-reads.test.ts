import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startHostilePeers, type HostileMcpMode, type HostilePeers } from '../support/hostilePeers.js';
import { api, connectMcp, toolError } from '../support/mcp.js';

/**
 * Issue 25, finding 3: a 300 MB answer from a remote MCP server (tools/list, tools/call) or an
 * OAuth token endpoint grew the process by 2.3–2.8 GB, a 300 MB tool list made
 * POST /api/mcp-connectors/test answer 500 and log a 314 MB line, and a 200 × 1 MB tool list was
 * cached. Replayed through the real path (HTTP → Koa → Temporal → activity → the peer on
 * 127.0.0.1), the app running in this process: each huge answer must cost under 50 MB of RSS,
 * be cut off near its limit, and end in a coded error (or, for a REST API, a cut result).
 */
const MB = 1024 * 1024;
const RSS_BUDGET_MB = 50;
/** What a reader may have let through past its limit: socket and stream buffers, not the answer. */
const SENT_BUDGET = 20 * MB;
const CLIENT_REDIRECT = 'https://client.example/oauth/done';

let app: TestApp;
let peers: HostilePeers;
let mcp: Client;
let serverId: string;
const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
const figures: string[] = [];

/** The largest growth of this process's RSS over its value before `attack`, sampled every 5 ms. */
async function rssGrowthOf<T>(peer: string, attack: () => Promise<T>): Promise<T> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  try {
    const result = await attack();
    peak = Math.max(peak, process.memoryUsage.rss());
    const growthMb = (peak - before) / MB;
    figures.push(`${peer}: RSS +${growthMb.toFixed(1)} MB, ${(peers.sent.at(-1)! / MB).toFixed(1)} MB sent`);
    expect(growthMb, `${peer}: RSS growth in MB`).toBeLessThan(RSS_BUDGET_MB);
    return result;
  } finally {
    clearInterval(sampler);
  }
}

async function remoteConnector(name: string, mode: HostileMcpMode): Promise<{ id: string; connectorId: string }> {
  const created = await call('POST', '/api/mcp-connectors', { name, url: `${peers.url}/mcp/${mode}` });
  expect(created.status).toBe(201);
  return created.body;
}

const cachedTools = async (id: string) =>
  (await app.database.db.selectFrom('mcp_connectors').select(['tools', 'tools_cached_at']).where('id', '=', id).executeTakeFirstOrThrow()).tools;

beforeAll(async () => {
  [app, peers] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startHostilePeers()]);
  const server = await call('POST', '/api/servers', { name: 'hostile peers' });
  serverId = server.body.serverId;
  mcp = await connectMcp(server.body.accessUrl);
});

afterAll(async () => {
  await mcp?.close();
  await peers?.close();
  await app?.close();
  console.info(`bounded reads, 300 MB answers:\n  ${figures.join('\n  ')}`);
});

describe('a 300 MB answer', () => {
  it('from an OAuth token endpoint: the code exchange fails naming OAUTH_MAX_RESPONSE_BYTES, within the budget', async () => {
    const configured = await call('PUT', '/api/oauth-apps/slack', {
      clientId: 'switchboard',
      clientSecret: 'hostile-client-secret-0123',
      scopes: ['channels:read'],
      redirectUris: [CLIENT_REDIRECT],
      authorizationUrl: `${peers.url}/authorize`,
      tokenUrl: `${peers.url}/token`,
    });
    expect(configured.status).toBe(200);
    /** create_credential, then the provider's redirect back to us with a code, as the browser brings it. */
    const connect = async () => {
      const created = await mcp.callTool({ name: 'create_credential', arguments: { connectorId: 'slack', authenticationType: 'oauth2', redirectUri: CLIENT_REDIRECT } });
      const { credentialId, authorizationUrl } = created.structuredContent as { credentialId: string; authorizationUrl: string };
      const state = new URL(authorizationUrl).searchParams.get('state')!;
      const landed = await fetch(`${app.apiUrl}/oauth/callback?code=a-code&state=${encodeURIComponent(state)}`, { redirect: 'manual' });
      return { credentialId, outcome: new URL(landed.headers.get('location')!).searchParams };
    };

    peers.mode = 'small';
    expect((await connect()).outcome.get('error_description')).toMatch(/invalid_grant/);
    peers.mode = 'huge';
    const { credentialId, outcome } = await rssGrowthOf('OAuth token endpoint', connect);
    expect(outcome.get('status')).toBe('failed');
    expect(outcome.get('error_description')).toMatch(/more than 64 KiB \(OAUTH_MAX_RESPONSE_BYTES\)/);
    expect(peers.sent.at(-1)).toBeLessThan(SENT_BUDGET);
    const credential = await app.database.db.selectFrom('credentials').select(['status', 'status_reason']).where('id', '=', credentialId).executeTakeFirstOrThrow();
    expect(credential).toMatchObject({ status: 'failed', status_reason: expect.stringMatching(/OAUTH_MAX_RESPONSE_BYTES/) });
  });

  it('from a REST API: the result is cut at UPSTREAM_MAX_RESPONSE_BYTES within the budget', async () => {
    const connector = {
      id: 'hostile-rest',
      name: 'Hostile REST',
      baseUrl: `${peers.url}/rest`,
      authMethods: [{ type: 'none' }],
      resources: [{ id: 'items', name: 'Items' }],
      actions: [{ id: 'list', resource: 'items', title: 'List', description: 'Lists items', method: 'GET', path: '/items', idempotent: true, parameters: [], response: {} }],
    };
    expect((await call('POST', '/api/connectors', connector)).status).toBe(201);
    const execute = () => mcp.callTool({ name: 'execute_action', arguments: { connectorId: 'hostile-rest', actionId: 'list', parameters: {} } });

    peers.mode = 'small';
    expect((await execute()).isError).toBeFalsy();
    peers.mode = 'huge';
    const result = await rssGrowthOf('REST API', execute);
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { notes: string[] }).notes.join(' ')).toMatch(/larger than 5 MiB \(UPSTREAM_MAX_RESPONSE_BYTES\)/);
    expect(peers.sent.at(-1)).toBeLessThan(SENT_BUDGET);
  });

  it('as a remote tools/list: POST /api/mcp-connectors/test answers UPSTREAM_REJECTED within the budget and caches nothing', async () => {
    peers.mode = 'small';
    const warmUp = await remoteConnector('Warm-up list', 'huge-list');
    expect((await call('POST', '/api/mcp-connectors/test', { connectorId: warmUp.id })).body).toMatchObject({ ok: true });
    peers.mode = 'huge';
    const hostile = await remoteConnector('Huge list', 'huge-list');
    const tested = await rssGrowthOf('remote MCP tools/list', () => call('POST', '/api/mcp-connectors/test', { connectorId: hostile.id }));
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ ok: false, code: 'UPSTREAM_REJECTED', error: expect.stringMatching(/answered more than 5 MiB \(UPSTREAM_MAX_RESPONSE_BYTES\)/) });
    expect(peers.sent.at(-1)).toBeLessThan(SENT_BUDGET);
    expect(await cachedTools(hostile.id)).toBeNull();
  });

  it('as a remote tools/call: execute_action fails with UPSTREAM_REJECTED within the budget', async () => {
    const hostile = await remoteConnector('Huge call', 'huge-call');
    expect((await call('POST', `/api/servers/${serverId}/connectors`, { mcpConnectorId: hostile.id })).status).toBe(200);
    const execute = () => mcp.callTool({ name: 'execute_action', arguments: { connectorId: hostile.connectorId, actionId: 'huge', parameters: {} } });

    peers.mode = 'small';
    expect((await execute()).isError).toBeFalsy();
    peers.mode = 'huge';
    const result = await rssGrowthOf('remote MCP tools/call', execute);
    expect(toolError(result)).toMatchObject({ code: 'UPSTREAM_REJECTED', message: expect.stringMatching(/answered more than 5 MiB \(UPSTREAM_MAX_RESPONSE_BYTES\)/) });
    expect(peers.sent.at(-1)).toBeLessThan(SENT_BUDGET);
  });
});

describe('a remote tool list', () => {
  it.each([
    ['big-tools', 'a 1 MB tool', /REMOTE_MCP_MAX_TOOL_BYTES/],
    ['many-tools', '200 tools of 20 KB', /REMOTE_MCP_MAX_TOOL_LIST_BYTES/],
  ] as const)('%s (%s) is refused with UPSTREAM_REJECTED and not cached', async (mode, _what, limit) => {
    const hostile = await remoteConnector(`List ${mode}`, mode);
    const tested = await call('POST', '/api/mcp-connectors/test', { connectorId: hostile.id });
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ ok: false, code: 'UPSTREAM_REJECTED', error: expect.stringMatching(limit) });
    expect(await cachedTools(hostile.id)).toBeNull();
  });
});

describe('the logs', () => {
  it('hold no line of the huge answers', () => {
    const longest = Math.max(...app.logs.lines.map((line) => line.length));
    expect(longest).toBeLessThan(64 * 1024);
    expect(app.logs.lines.filter((line) => line.includes('x'.repeat(1024)))).toEqual([]);
  });
});
