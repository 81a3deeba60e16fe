import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { api } from '../support/mcp.js';

/**
 * A critical finding of the hostile probe: end-user tokens acting as account administrators. Each
 * test is the attacker's request, and asserts the refusal and that nothing changed.
 */
let app: TestApp;
let bobToken: string;
let aliceToken: string;

const withUserToken = (token: string, headers: Record<string, string> = {}) => ({ 'x-user-token': token, ...headers });

/** A request with only an x-user-token (no API key). */
async function asUser(token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.apiUrl}${path}`, {
    method,
    headers: { ...withUserToken(token, headers), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? (JSON.parse(text) as any) : undefined };
}

beforeAll(async () => {
  app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  bobToken = (await api(app.apiUrl, app.apiKey, 'POST', '/api/user-tokens', { userId: 'bob' })).body.token;
  aliceToken = (await api(app.apiUrl, app.apiKey, 'POST', '/api/user-tokens', { userId: 'alice' })).body.token;
});

afterAll(async () => {
  await app?.close();
});

describe('an end user token acts for its user only', () => {
  it('refuses keys, other users, custom connectors, settings, variables, OAuth apps and remote MCP connectors', async () => {
    const otherKey = await api(app.apiUrl, app.apiKey, 'POST', '/api/keys', { name: 'victim' });
    const shared = await api(app.apiUrl, app.apiKey, 'POST', '/api/connectors', {
      id: 'shared-api',
      name: 'Shared API',
      baseUrl: 'https://shared.example.com',
      authMethods: [{ type: 'apiKey', in: 'header', name: 'x-api-key' }],
      resources: [{ id: 'things', name: 'Things' }],
      actions: [{ id: 'list', resource: 'things', title: 'List', description: 'Lists things', method: 'GET', path: '/things', parameters: [], response: {} }],
    });
    expect(shared.status).toBe(201);

    const attempts: Array<[string, string, unknown?]> = [
      ['POST', '/api/keys', { name: 'stolen' }],
      ['GET', '/api/keys'],
      ['DELETE', `/api/keys/${otherKey.body.id}`],
      ['POST', '/api/user-tokens', { userId: 'alice' }],
      ['PUT', '/api/connectors/shared-api', { ...shared.body, baseUrl: 'https://attacker.example.com' }],
      ['DELETE', '/api/connectors/shared-api'],
      ['POST', '/api/connectors/import', { document: { openapi: '3.0.3', info: { title: 'Mine', version: '1' }, paths: {} }, id: 'mine' }],
      ['PUT', '/api/connectors/shared-api/settings', { baseUrl: 'https://attacker.example.com' }],
      ['PUT', '/api/connectors/slack/settings', { enabled: false }],
      ['PUT', '/api/variables/region', { value: 'attacker' }],
      ['PUT', '/api/oauth-apps/slack', { clientId: 'attacker', clientSecret: 'attacker-secret' }],
      ['GET', '/api/oauth-apps'],
      ['POST', '/api/mcp-connectors', { name: 'exfil', url: 'https://attacker.example.com/mcp' }],
      ['GET', '/api/mcp-connectors'],
      ['POST', '/api/servers', { name: 'mine' }],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await asUser(bobToken, method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body.error.code).toBe('FORBIDDEN');
    }

    // Nothing changed: the other key still works and the shared connector still points home.
    expect((await api(app.apiUrl, otherKey.body.key, 'GET', '/api/servers')).status).toBe(200);
    expect((await api(app.apiUrl, app.apiKey, 'GET', '/api/connectors/shared-api')).body.baseUrl).toBe('https://shared.example.com');
  });

  it("refuses x-user-id naming another user, and another user's token alongside its own", async () => {
    const stored = await asUser(aliceToken, 'POST', '/api/credentials', { connectorId: 'shared-api', authenticationType: 'apiKey', fields: { apiKey: 'alice-secret-key-123456' } });
    expect(stored.status).toBe(201);

    const asAlice = await asUser(bobToken, 'GET', '/api/credentials', undefined, { 'x-user-id': 'alice' });
    expect(asAlice.status).toBe(403);
    expect(asAlice.text).not.toContain(stored.body.credentialId ?? stored.body.id);
    const own = await asUser(bobToken, 'GET', '/api/credentials', undefined, { 'x-user-id': 'bob' });
    expect(own.status).toBe(200);
    expect(own.body.credentials).toEqual([]);
  });

  it('lets a user token read the catalogue and manage its own credentials and runs', async () => {
    expect((await asUser(bobToken, 'GET', '/api/connectors?category=communication')).status).toBe(200);
    expect((await asUser(bobToken, 'GET', '/api/connectors/slack')).status).toBe(200);
    const created = await asUser(bobToken, 'POST', '/api/credentials', { connectorId: 'shared-api', authenticationType: 'apiKey', fields: { apiKey: 'bob-secret-key-654321' } });
    expect(created.status).toBe(201);
    const listed = await asUser(bobToken, 'GET', '/api/credentials');
    expect(listed.body.credentials).toHaveLength(1);
    expect((await asUser(bobToken, 'GET', '/api/runs')).status).toBe(200);
    expect((await asUser(bobToken, 'GET', '/api/console/config')).body.userId).toBe('bob');
  });

  it('holds the same line for a key created with the user role, and lets an operator read but not write settings', async () => {
    const userKey = (await api(app.apiUrl, app.apiKey, 'POST', '/api/keys', { name: 'carol', userId: 'carol', role: 'user' })).body.key as string;
    expect((await api(app.apiUrl, userKey, 'POST', '/api/keys', { name: 'escalate' })).status).toBe(403);
    expect((await api(app.apiUrl, userKey, 'GET', '/api/credentials', undefined, { 'x-user-id': 'alice' })).status).toBe(403);
    expect((await api(app.apiUrl, userKey, 'GET', '/api/credentials', undefined, { 'x-user-token': aliceToken })).status).toBe(403);

    const operatorKey = (await api(app.apiUrl, app.apiKey, 'POST', '/api/keys', { name: 'ops', role: 'operator' })).body.key as string;
    expect((await api(app.apiUrl, operatorKey, 'GET', '/api/credentials', undefined, { 'x-user-id': 'alice' })).body.credentials).toHaveLength(1);
    expect((await api(app.apiUrl, operatorKey, 'GET', '/api/mcp-connectors')).status).toBe(200);
    expect((await api(app.apiUrl, operatorKey, 'PUT', '/api/connectors/slack/settings', { enabled: false })).status).toBe(403);
    expect((await api(app.apiUrl, operatorKey, 'POST', '/api/keys', { name: 'escalate', role: 'admin' })).status).toBe(403);
  });

  it("applies a server's user restrictions and assignments to POST /api/runs as MCP does", async () => {
    const aliceOnly = await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'alice only', restrictions: { users: { mode: 'allowlist', ids: ['alice'] } } });
    const run = (serverId: string, connectorId = 'slack', actionId = 'chat_postMessage') => ({
      kind: 'action',
      serverId,
      connectorId,
      actionId,
      parameters: { channel: 'C1', text: 'hi' },
    });
    const refused = await asUser(bobToken, 'POST', '/api/runs', run(aliceOnly.body.serverId));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('may not use this server');

    const slackOnly = await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'slack only' });
    expect((await api(app.apiUrl, app.apiKey, 'POST', `/api/servers/${slackOnly.body.serverId}/connectors`, { connectorId: 'slack' })).status).toBeLessThan(300);
    const unassigned = await asUser(bobToken, 'POST', '/api/runs', run(slackOnly.body.serverId, 'github', 'repos_list_for_authenticated_user'));
    expect(unassigned.status).toBe(403);
    expect(unassigned.body.error.message).toContain('not assigned');
  });
});
