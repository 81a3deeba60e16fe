import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from '../support/app.js';
import { api, connectMcp, toolError } from '../support/mcp.js';
import { spawnSwitchboard } from '../support/process.js';
import { inject } from 'vitest';

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

describe('MCP front door', () => {
  let app: TestApp;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    api(app.apiUrl, app.apiKey, method, path, body, headers);
  const rawMcp = (url: string, body: unknown, headers: Record<string, string> = MCP_HEADERS) =>
    fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } });
  });
  afterAll(async () => app?.close());

  it('creates a server whose access URL serves the tools over Streamable HTTP', async () => {
    const created = await call('POST', '/api/servers', { name: 'My Server', description: 'd' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      serverId: expect.stringMatching(/^my-server-[0-9a-f]{8}$/),
      name: 'My Server',
      mode: 'connectivity',
      isPublic: false,
      accessToken: expect.stringMatching(/^mcp_/),
      hasRestrictions: false,
    });
    expect(created.body.accessUrl).toBe(`${created.body.url}/${created.body.accessToken}`);

    const client = await connectMcp(created.body.accessUrl);
    expect(client.getServerVersion()?.name).toBe('switchboard');
    const { tools } = await client.listTools();
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.description!.length).toBeGreaterThan(40);
      expect(tool.annotations).toBeDefined();
    }
    const result = await client.callTool({ name: 'list_connectors', arguments: { category: 'communication' } });
    expect(result.isError).toBeFalsy();
    const listed = result.structuredContent as { connectors: Array<{ id: string; category: string }>; count: number };
    expect(listed.connectors.map((c) => c.id)).toContain('slack');
    expect(listed.connectors.every((c) => c.category === 'communication')).toBe(true);
    await client.close();
  });

  it('negotiates 2025-11-25 and older protocol versions', async () => {
    const { body } = await call('POST', '/api/servers', { name: 'versions' });
    for (const version of ['2025-11-25', '2025-06-18', '2025-03-26']) {
      const response = await rawMcp(body.accessUrl, { ...initialize, params: { ...initialize.params, protocolVersion: version } });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(`"protocolVersion":"${version}"`);
    }
  });

  it('applies restrictions: blocked connectors and actions are hidden and refused', async () => {
    const { body } = await call('POST', '/api/servers', {
      name: 'restricted',
      restrictions: {
        connectors: { mode: 'allowlist', ids: ['slack', 'github'] },
        actions: { mode: 'blocklist', ids: ['slack:chat_postMessage'] },
      },
    });
    expect(body.hasRestrictions).toBe(true);
    const client = await connectMcp(body.accessUrl);
    const listed = (await client.callTool({ name: 'list_connectors', arguments: {} })).structuredContent as {
      connectors: Array<{ id: string }>;
    };
    expect(listed.connectors.map((c) => c.id).sort()).toEqual(['github', 'slack']);

    const resources = (await client.callTool({ name: 'get_connector_resources', arguments: { connectorId: 'slack' } }))
      .structuredContent as { resources: Array<{ actions: Array<{ id: string }> }> };
    const actionIds = resources.resources.flatMap((r) => r.actions.map((a) => a.id));
    expect(actionIds).toContain('conversations_list');
    expect(actionIds).not.toContain('chat_postMessage');

    const blocked = await client.callTool({
      name: 'get_action_details',
      arguments: { connectorId: 'slack', actionId: 'chat_postMessage' },
    });
    expect(blocked.isError).toBe(true);
    expect(toolError(blocked)?.code).toBe('FORBIDDEN');
    const other = await client.callTool({ name: 'get_connector_resources', arguments: { connectorId: 'hubspot' } });
    expect(toolError(other)?.code).toBe('FORBIDDEN');
    await client.close();
  });

  it('answers bad tool input with INVALID_REQUEST naming the field', async () => {
    const { body } = await call('POST', '/api/servers', { name: 'bad-input' });
    const client = await connectMcp(body.accessUrl);
    const result = await client.callTool({ name: 'get_action_details', arguments: { connectorId: 'slack' } });
    expect(result.isError).toBe(true);
    expect(toolError(result)).toMatchObject({
      code: 'INVALID_REQUEST',
      details: { issues: [expect.objectContaining({ field: 'actionId' })] },
    });
    const unknown = await client.callTool({ name: 'get_connector_resources', arguments: { connectorId: 'nope' } });
    expect(toolError(unknown)?.code).toBe('CONNECTOR_NOT_FOUND');
    await client.close();
  });

  it('refuses users outside the users restriction, and honours x-user-id on public servers only', async () => {
    const restricted = await call('POST', '/api/servers', {
      name: 'users',
      isPublic: true,
      restrictions: { users: { mode: 'blocklist', ids: ['mallory'] } },
    });
    const refused = await rawMcp(restricted.body.accessUrl, initialize, { ...MCP_HEADERS, 'x-user-id': 'mallory' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ jsonrpc: '2.0', error: { data: { code: 'FORBIDDEN' } } });
    expect((await rawMcp(restricted.body.accessUrl, initialize, { ...MCP_HEADERS, 'x-user-id': 'alice' })).status).toBe(200);

    const privateServer = await call('POST', '/api/servers', {
      name: 'private-users',
      restrictions: { users: { mode: 'blocklist', ids: ['mallory'] } },
    });
    // On a private server x-user-id is ignored: the call acts as the owner, whom the list does not block.
    expect((await rawMcp(privateServer.body.accessUrl, initialize, { ...MCP_HEADERS, 'x-user-id': 'mallory' })).status).toBe(200);
  });

  it('accepts x-user-token JWTs of this account only', async () => {
    const server = await call('POST', '/api/servers', {
      name: 'jwt',
      restrictions: { users: { mode: 'allowlist', ids: ['bob'] } },
    });
    const token = await call('POST', '/api/user-tokens', { userId: 'bob' });
    expect(token.status).toBe(201);
    expect((await rawMcp(server.body.accessUrl, initialize, { ...MCP_HEADERS, 'x-user-token': token.body.token })).status).toBe(200);
    // Without the token the owner (not on the allowlist) is refused.
    expect((await rawMcp(server.body.accessUrl, initialize)).status).toBe(403);
    const forged = token.body.token.replace(/\.[^.]+$/, '.AAAA');
    expect((await rawMcp(server.body.accessUrl, initialize, { ...MCP_HEADERS, 'x-user-token': forged })).status).toBe(401);
  });

  it('serves /mcp/:serverId with an API key, and refuses another account', async () => {
    const { body } = await call('POST', '/api/servers', { name: 'keyed' });
    const client = await connectMcp(body.url, { authorization: `Bearer ${app.apiKey}`, 'x-user-id': 'u-42' });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
    expect((await rawMcp(body.url, initialize)).status).toBe(401);
    expect((await rawMcp(`${app.apiUrl}/mcp`, initialize, { ...MCP_HEADERS, authorization: `Bearer ${app.apiKey}`, 'x-mcp-server-id': body.serverId })).status).toBe(200);

    const { createAccount, createApiKey } = await import('../../src/db/repositories/accounts.js');
    const other = await createAccount(app.database.db, app.secretBox, { name: 'Other' });
    const { key } = await createApiKey(app.database.db, { accountId: other.id, userId: 'x', name: 'other' });
    expect((await rawMcp(body.url, initialize, { ...MCP_HEADERS, authorization: `Bearer ${key}` })).status).toBe(403);
    expect((await api(app.apiUrl, key, 'GET', `/api/servers/${body.serverId}`)).status).toBe(403);
    expect((await api(app.apiUrl, key, 'DELETE', `/api/servers/${body.serverId}`)).status).toBe(403);
  });

  it('answers a URL that names no server, or no endpoint, with the URLs there are', async () => {
    const { body } = await call('POST', '/api/servers', { name: 'url forms' });
    // MCP Inspector without the /mcp suffix: its CLI rewrites the access URL to <origin>/mcp.
    const bare = await rawMcp(`${app.apiUrl}/mcp`, initialize);
    expect(bare.status).toBe(404);
    // JSON-RPC's error object, our code and details in its data (src/api/errorHandler.ts).
    const { error } = (await bare.json()) as { error: { message: string; data: { code: string; details: { accessUrl: string } } } };
    expect(error.data.code).toBe('NOT_FOUND');
    expect(error.message).toContain(`This URL names no MCP server. Use a server's access URL, ${app.apiUrl}/mcp/<serverId>/<accessToken>`);
    expect(error.message).toContain(`the access URL with /mcp added: ${app.apiUrl}/mcp/<serverId>/<accessToken>/mcp`);
    expect(error.data.details.accessUrl).toBe(`${app.apiUrl}/mcp/<serverId>/<accessToken>`);

    const tooDeep = await rawMcp(`${body.accessUrl}/mcp/extra`, initialize);
    expect(tooDeep.status).toBe(404);
    expect(((await tooDeep.json()) as { error: { message: string } }).error.message).toMatch(/^No MCP endpoint at this path\. Use a server's access URL/);

    // Every form has its /mcp twin; the server URL's is not read as an access token named "mcp".
    expect((await rawMcp(`${body.accessUrl}/mcp`, initialize)).status).toBe(200);
    expect((await rawMcp(`${body.url}/mcp`, initialize, { ...MCP_HEADERS, authorization: `Bearer ${app.apiKey}` })).status).toBe(200);
    expect((await rawMcp(`${body.url}/mcp`, initialize)).status).toBe(401);
  });

  it('accepts restrictions naming unknown connectors, with a warning for each', async () => {
    const restrictions = {
      connectors: { mode: 'allowlist', ids: ['slack', 'slak'] },
      actions: { mode: 'blocklist', ids: ['githb:issues_create', 'github:issues_create', 'chat_postMessage'] },
    };
    const created = await call('POST', '/api/servers', { name: 'typos', restrictions });
    expect(created.status).toBe(201);
    // Answered with seed 004's field for each list's mode beside ids.
    expect(created.body.restrictions).toEqual({
      connectors: { ...restrictions.connectors, allowedIds: restrictions.connectors.ids },
      actions: { ...restrictions.actions, blockedActions: restrictions.actions.ids },
    });
    expect(created.body.warnings).toEqual([
      'restrictions.connectors: "slak" names no connector of this account ("slak" is not a catalogue, custom or remote MCP connector id), so it matches nothing',
      'restrictions.actions: "githb:issues_create" names no connector of this account ("githb" is not a catalogue, custom or remote MCP connector id), so it matches nothing',
    ]);
    const updated = await call('PUT', `/api/servers/${created.body.serverId}`, { restrictions: { connectors: { mode: 'allowlist', ids: ['slack'] } } });
    expect(updated.status).toBe(200);
    expect(updated.body.warnings).toBeUndefined();
    const remote = await call('PUT', `/api/servers/${created.body.serverId}`, { restrictions: { connectors: { mode: 'blocklist', ids: ['mcp-not-added-yet'] } } });
    expect(remote.body.warnings).toHaveLength(1);
    expect((await call('GET', `/api/servers/${created.body.serverId}`)).body.warnings).toBeUndefined();
  });

  it('answers 404, 406 and 413 in the documented formats', async () => {
    const { body } = await call('POST', '/api/servers', { name: 'errors' });
    expect((await call('GET', '/api/servers/nope-00000000')).body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await rawMcp(`${app.apiUrl}/mcp/nope-00000000/mcp_x`, initialize)).status).toBe(401);

    const notAcceptable = await rawMcp(body.accessUrl, initialize, { 'content-type': 'application/json', accept: 'application/json' });
    expect(notAcceptable.status).toBe(406);

    const huge = 'x'.repeat(10 * 1024 * 1024 + 10);
    const tooLarge = await fetch(`${app.apiUrl}/api/servers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: huge }),
    });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const mcpTooLarge = await fetch(body.accessUrl, { method: 'POST', headers: MCP_HEADERS, body: huge });
    expect(mcpTooLarge.status).toBe(413);
  });

  it('validates server input, naming the field, and keeps names unique per user', async () => {
    const bad = await call('POST', '/api/servers', { name: '', tokenExpiresInDays: 400 });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.details.issues.map((issue: { field: string }) => issue.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'tokenExpiresInDays']));
    expect((await call('POST', '/api/servers', { name: 'twice' })).status).toBe(201);
    expect((await call('POST', '/api/servers', { name: 'twice' })).status).toBe(409);
    expect((await call('POST', '/api/servers', { name: 'twice' }, { 'x-user-id': 'someone-else' })).status).toBe(201);
    expect((await call('GET', '/api/servers')).body.count).toBeGreaterThan(1);
    expect((await fetch(`${app.apiUrl}/api/servers`)).status).toBe(401);
  });

  it('cuts access at once on token expiry, rotation and server deletion', async () => {
    const { body } = await call('POST', '/api/servers', { name: 'lifecycle' });
    expect((await rawMcp(body.accessUrl, initialize)).status).toBe(200);

    // The same URL with /mcp appended, for clients that require that suffix (MCP Inspector 0.15's CLI).
    expect((await rawMcp(`${body.accessUrl}/mcp`, initialize)).status).toBe(200);

    const rotated = await call('POST', `/api/servers/${body.serverId}/rotate-token`);
    expect(rotated.body.accessToken).not.toBe(body.accessToken);
    expect((await rawMcp(body.accessUrl, initialize)).status).toBe(401);
    expect((await rawMcp(rotated.body.accessUrl, initialize)).status).toBe(200);

    await app.database.db.updateTable('server_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('server_id', '=', body.serverId).execute();
    expect((await rawMcp(rotated.body.accessUrl, initialize)).status).toBe(401);

    const again = await call('POST', `/api/servers/${body.serverId}/rotate-token`);
    expect((await rawMcp(again.body.accessUrl, initialize)).status).toBe(200);
    const deleted = await call('DELETE', `/api/servers/${body.serverId}`);
    expect(deleted.body).toEqual({ message: 'Server deleted', serverId: body.serverId });
    expect((await rawMcp(again.body.accessUrl, initialize)).status).toBe(401);
    expect((await app.database.db.selectFrom('server_tokens').where('server_id', '=', body.serverId).selectAll().execute()).length).toBe(0);
  });

  it('serves an OpenAPI 3.1 document built from the route schemas', async () => {
    const doc = (await (await fetch(`${app.apiUrl}/api/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    const create = doc.paths['/api/servers'].post;
    expect(create.requestBody.content['application/json'].schema.properties.name).toMatchObject({ maxLength: 100 });
    expect(doc.paths['/api/servers/{serverId}'].delete).toBeDefined();
  });
});

describe('front-door rate limit shared by two API processes', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10' } });
  });
  afterAll(async () => app?.close());

  it('draws both processes from one bucket and answers 429 with Retry-After', async () => {
    const second = await spawnSwitchboard('api', {
      ...app.testDatabase.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: app.temporal.taskQueue,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      RATE_LIMIT_PER_MINUTE: '10',
    });
    try {
      const created = await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'limited' });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        const base = i % 2 === 0 ? app.apiUrl : second.url;
        statuses.push((await api(base, app.apiKey, 'GET', '/api/servers')).status);
      }
      // 10 per minute in all: the create took one, so 9 more pass and the rest are refused.
      expect(statuses.filter((status) => status === 200)).toHaveLength(9);
      const refused = await api(second.url, app.apiKey, 'GET', '/api/servers');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });

      // The access token has a bucket of its own; on /mcp the refusal is a JSON-RPC error.
      let mcpStatus = 200;
      let mcpBody: any;
      for (let i = 0; i < 11 && mcpStatus === 200; i += 1) {
        const response = await fetch(created.body.accessUrl.replace(app.apiUrl, i % 2 ? second.url : app.apiUrl), {
          method: 'POST',
          headers: MCP_HEADERS,
          body: JSON.stringify(initialize),
        });
        mcpStatus = response.status;
        mcpBody = await response.json().catch(() => undefined);
      }
      expect(mcpStatus).toBe(429);
      expect(mcpBody).toMatchObject({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Rate limit exceeded. Please try again later.' },
        id: null,
      });
    } finally {
      await second.stop();
    }
  });
});
