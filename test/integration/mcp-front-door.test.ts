import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp } from '../support/mcp.js';

describe('MCP front door', () => {
  let app: TestApp;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    api(app.apiUrl, app.apiKey, method, path, body, headers);

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
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['list_connectors', 'get_connector_resources', 'get_action_details']),
    );
    const result = await client.callTool({ name: 'list_connectors', arguments: { category: 'communication' } });
    expect(result.isError).toBeFalsy();
    const listed = result.structuredContent as { connectors: Array<{ id: string; category: string }>; count: number };
    expect(listed.connectors.map((c) => c.id)).toContain('slack');
    expect(listed.connectors.every((c) => c.category === 'communication')).toBe(true);
    await client.close();
  });
});
