import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp } from '../support/mcp.js';

/** The inventory.yaml of docs/connectors.md's "Add your own API", as printed there. */
function walkthroughDocument(): string {
  const page = fs.readFileSync(new URL('../../docs/connectors.md', import.meta.url), 'utf8');
  const section = page.slice(page.indexOf('## Add your own API'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('docs/connectors.md has no inventory.yaml in "Add your own API"');
  return match[1];
}

/** The private upstream: widgets behind an X-Api-Key check, with no response schema in its document. */
async function startInventory(key: string) {
  const state = { widgets: 60, seen: [] as Array<{ url: string; key: string | undefined }> };
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://inventory');
    state.seen.push({ url: url.pathname + url.search, key: request.headers['x-api-key'] as string | undefined });
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers['x-api-key'] !== key) return send(401, { error: 'bad key' });
    if (url.pathname === '/widgets') {
      const color = url.searchParams.get('color') ?? 'red';
      const widgets = Array.from({ length: state.widgets }, (_, i) => ({ id: `w${i}`, name: `Widget ${i}`, color, stock: i }));
      return send(200, { total: widgets.length, widgets });
    }
    const one = /^\/widgets\/([^/]+)$/.exec(url.pathname);
    if (one) return send(200, { id: one[1], name: 'Widget', color: 'red', stock: 3 });
    send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("docs/connectors.md: add your own API (import, key credential, private upstream, MCP call)", () => {
  const key = 'inv-secret-key';
  let app: TestApp;
  let inventory: Awaited<ReturnType<typeof startInventory>>;
  let client: Client;
  const importAs = (query: string) =>
    fetch(`${app.apiUrl}/api/connectors/import?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/yaml' },
      body: walkthroughDocument(),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));
  const execute = async (actionId: string, parameters: Record<string, unknown>) => {
    const result = await client.callTool({ name: 'execute_action', arguments: { connectorId: 'inventory', actionId, parameters } });
    expect(result.isError, JSON.stringify(result.structuredContent)).toBeFalsy();
    return result.structuredContent as { status: number; result: any; notes?: string[] };
  };

  beforeAll(async () => {
    // startTestApp sets EGRESS_ALLOW_HOSTS=127.0.0.1,localhost: step 2 of the walkthrough.
    [app, inventory] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } }), startInventory(key)]);
  });
  afterAll(async () => {
    await client?.close();
    await inventory?.close();
    await app?.close();
  });

  it('refuses the localhost server and names the fix', async () => {
    const refused = await importAs('id=inventory');
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('INVALID_REQUEST');
    expect(refused.body.error.message).toContain("give baseUrl: the document's server is localhost (http://localhost:8080)");
    expect((await api(app.apiUrl, app.apiKey, 'GET', '/api/connectors/inventory')).status).toBe(404);
  });

  it('imports with baseUrl, stores the key, and an MCP client lists widgets', async () => {
    const imported = await importAs(`id=inventory&baseUrl=${encodeURIComponent(inventory.url)}`);
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ id: 'inventory', baseUrl: inventory.url, authMethods: [{ type: 'apiKey', in: 'header', name: 'X-Api-Key' }] });
    expect(imported.body.actions.map((action: { id: string }) => action.id).sort()).toEqual(['getWidget', 'listWidgets']);

    const credential = await api(app.apiUrl, app.apiKey, 'POST', '/api/credentials', {
      connectorId: 'inventory',
      authenticationType: 'apiKey',
      fields: { apiKey: key },
    });
    expect(credential.status).toBe(201);
    expect(JSON.stringify(credential.body)).not.toContain(key);

    const server = await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'inventory agent' });
    client = await connectMcp(server.body.accessUrl);
    const metadata = await client.callTool({ name: 'get_credential_metadata', arguments: { connectorId: 'inventory' } });
    expect(JSON.stringify(metadata.structuredContent)).toContain('API key, sent in the header \\"X-Api-Key\\"');

    inventory.state.widgets = 3;
    const few = await execute('listWidgets', { color: 'red' });
    expect(few.status).toBe(200);
    expect(few.result).toEqual({ total: 3, widgets: expect.arrayContaining([expect.objectContaining({ id: 'w0', color: 'red' })]) });
    expect(inventory.state.seen.at(-1)).toEqual({ url: '/widgets?color=red', key });
    expect((await execute('getWidget', { id: 'w7' })).result).toMatchObject({ id: 'w7' });
  });

  it('shapes a list the document gives no schema for, and says which field', async () => {
    inventory.state.widgets = 30;
    const some = await execute('listWidgets', {});
    expect(some.result).toMatchObject({ data: { total: 30 }, metadata: { originalCount: 30, displayedCount: 25, truncated: true } });
    expect(some.result.data.widgets).toHaveLength(25);
    expect(some.notes).toEqual(['listWidgets declares no list location; shaped the field "widgets" of 30 items.']);

    inventory.state.widgets = 60;
    const many = await execute('listWidgets', {});
    expect(many.result).toMatchObject({
      needsRefinement: true,
      message: 'Found 60 widgets. This is too many to display effectively.',
      suggestions: expect.arrayContaining([expect.stringContaining('color')]),
    });
    expect(many.result.samples).toHaveLength(3);
    expect(many.notes).toEqual(['listWidgets declares no list location; shaped the field "widgets" of 60 items.']);
  });
});
