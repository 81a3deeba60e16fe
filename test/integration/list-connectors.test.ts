import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp } from '../support/mcp.js';

interface Listing {
  connectors: Array<{ id: string; name: string; category: string; description: string }>;
  count: number;
  nextOffset?: number;
  categories?: Array<{ category: string; count: number }>;
  hint?: string;
}

/** list_connectors over the MCP SDK client against the real catalogue, and the REST list beside it. */
describe('the catalogue over MCP: list_connectors that scales, hand-written GraphQL actions', () => {
  let app: TestApp;
  let client: Client;
  const list = async (args: Record<string, unknown>): Promise<Listing> => {
    const result = await client.callTool({ name: 'list_connectors', arguments: args });
    expect(result.isError, JSON.stringify(result.structuredContent)).toBeFalsy();
    return result.structuredContent as unknown as Listing;
  };

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } });
    const server = await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'catalogue reader' });
    client = await connectMcp(server.body.accessUrl);
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  it('answers an unfiltered call with a count per category and a hint, not every connector', async () => {
    const result = await client.callTool({ name: 'list_connectors', arguments: {} });
    const summary = result.structuredContent as unknown as Listing;
    expect(summary.connectors).toEqual([]);
    expect(summary.count).toBeGreaterThanOrEqual(600);
    expect(summary.categories!.reduce((sum, row) => sum + row.count, 0)).toBe(summary.count);
    expect(summary.categories!.map((row) => row.category)).toEqual(expect.arrayContaining(['communication', 'crm', 'development']));
    expect(summary.hint).toContain('query');
    expect(JSON.stringify(result.content).length).toBeLessThan(4_000);
  });

  it('finds connectors by words in names and descriptions, best first', async () => {
    const found = await list({ query: 'send a message' });
    const ids = found.connectors.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['slack', 'discord']));
    expect(found.connectors.length).toBeLessThanOrEqual(50);
    const crm = await list({ query: 'deals', category: 'crm' });
    expect(crm.connectors.map((c) => c.id)).toContain('pipedrive');
    expect(crm.connectors.every((c) => c.category === 'crm')).toBe(true);
    expect((await list({ query: 'Linear' })).connectors[0]!.id).toBe('linear');
    expect(await list({ query: 'zzzqqq xyzzyq' })).toMatchObject({ connectors: [], count: 0 });
  });

  it('pages a long category with offset and limit', async () => {
    const first = await list({ category: 'development', limit: 100 });
    expect(first.count).toBeGreaterThan(100);
    expect(first.connectors).toHaveLength(100);
    expect(first.nextOffset).toBe(100);
    const seen = new Set(first.connectors.map((c) => c.id));
    for (let offset = first.nextOffset; offset !== undefined; ) {
      const page = await list({ category: 'development', limit: 100, offset });
      for (const c of page.connectors) seen.add(c.id);
      offset = page.nextOffset;
    }
    expect(seen.size).toBe(first.count);
  });

  it("shows a GraphQL action's own document as the default of its query parameter", async () => {
    const result = await client.callTool({ name: 'get_action_details', arguments: { connectorId: 'linear', actionId: 'issue_create' } });
    const details = result.structuredContent as any;
    expect(details.requiredParameters.map((p: { name: string }) => p.name)).toEqual(['variables']);
    expect(details.optionalParameters).toEqual([expect.objectContaining({ name: 'query', default: expect.stringMatching(/^mutation IssueCreate/) })]);
  });

  it('sends a GraphQL action as {query, variables} with the key as given (Linear against a local stand-in)', async () => {
    const seen: Array<{ url: string; authorization: string | undefined; body: any }> = [];
    const upstream = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        seen.push({ url: request.url ?? '', authorization: request.headers.authorization, body: JSON.parse(text) });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ data: { issueCreate: { success: true, issue: { id: 'i1', identifier: 'ENG-1', title: 'T', url: 'https://linear.app/x' } } } }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      expect((await api(app.apiUrl, app.apiKey, 'PUT', '/api/connectors/linear/settings', { baseUrl: url })).status).toBe(200);
      const credential = await api(app.apiUrl, app.apiKey, 'POST', '/api/credentials', { connectorId: 'linear', authenticationType: 'apiKey', fields: { apiKey: 'lin_api_test' } });
      expect(credential.status).toBe(201);
      const variables = { input: { teamId: 'team-1', title: 'T' } };
      const result = await client.callTool({ name: 'execute_action', arguments: { connectorId: 'linear', actionId: 'issue_create', parameters: { variables } } });
      expect(result.isError, JSON.stringify(result.structuredContent)).toBeFalsy();
      expect((result.structuredContent as any).result).toMatchObject({ data: { issueCreate: { success: true, issue: { identifier: 'ENG-1' } } } });
      expect(seen).toEqual([{ url: '/graphql', authorization: 'lin_api_test', body: { query: expect.stringMatching(/^mutation IssueCreate\(\$input: IssueCreateInput!\)/), variables } }]);
    } finally {
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });

  it('keeps the REST list complete, with optional paging and search', async () => {
    const all = await api(app.apiUrl, app.apiKey, 'GET', '/api/connectors');
    expect(all.status).toBe(200);
    expect(all.body.connectors).toHaveLength(all.body.count);
    expect(all.body.count).toBeGreaterThanOrEqual(600);
    const page = await api(app.apiUrl, app.apiKey, 'GET', '/api/connectors?limit=10&offset=10');
    expect(page.body).toMatchObject({ count: all.body.count, nextOffset: 20 });
    expect(page.body.connectors.map((c: { id: string }) => c.id)).toEqual(all.body.connectors.slice(10, 20).map((c: { id: string }) => c.id));
    const searched = await api(app.apiUrl, app.apiKey, 'GET', '/api/connectors?query=invoice');
    expect(searched.body.connectors.map((c: { id: string }) => c.id)).toContain('quickbooks');
    expect((await api(app.apiUrl, app.apiKey, 'GET', '/api/connectors?limit=0')).status).toBe(400);
  });
});
