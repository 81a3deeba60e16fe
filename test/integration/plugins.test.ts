import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp, executeAction, type ToolCallError } from '../support/mcp.js';
import { builtPlugin } from '../support/plugins.js';

/** A fake items API on 127.0.0.1 that wants the bearer token, and echoes the header it got (so redaction shows). */
async function startItemsApi(token: string): Promise<{ url: string; host: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((request, response) => {
    const authorization = request.headers.authorization ?? '';
    seen.push(authorization);
    if (authorization !== `Bearer ${token}`) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    const id = decodeURIComponent(request.url!.split('/').pop()!);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, name: `item ${id}`, youSent: authorization }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('WASM plugins', () => {
  let app: TestApp;
  let client: Client;
  let items: Awaited<ReturnType<typeof startItemsApi>>;
  const token = 'plugin-token-9d8c7b6a5f4e3d2c';
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  beforeAll(async () => {
    [app, items] = await Promise.all([
      startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000', PLUGIN_TIMEOUT_MS: '2000', PLUGIN_MAX_MEMORY_MB: '32', PLUGIN_MAX_OUTPUT_BYTES: '65536' } }),
      startItemsApi('plugin-token-9d8c7b6a5f4e3d2c'),
      builtPlugin('example'),
    ]);
    const server = await call('POST', '/api/servers', { name: 'plugin agent' });
    client = await connectMcp(server.body.accessUrl);
  }, 600_000);
  afterAll(async () => {
    await client?.close();
    await Promise.all([items?.close(), app?.close()]);
  });

  it('uploads the example plugin built from Go source, refusing a manifest that does not match its module', async () => {
    const { module, manifest } = await builtPlugin('example');
    const wrongExport = await call('POST', '/api/plugins', { name: 'Items', module, manifest: { ...manifest, actions: [{ id: 'nope', title: 'Nope' }] } });
    expect([wrongExport.status, wrongExport.body.error.code, wrongExport.body.error.message]).toEqual([400, 'INVALID_REQUEST', 'The module does not export nope']);
    const notWasm = await call('POST', '/api/plugins', { name: 'Items', module: Buffer.from('not wasm at all').toString('base64'), manifest });
    expect(notWasm.status).toBe(400);
    const badManifest = await call('POST', '/api/plugins', { name: 'Items', module, manifest: { ...manifest, allowedHosts: ['http://x/'] } });
    expect(badManifest.status).toBe(400);

    const first = await call('POST', '/api/plugins', { name: 'Items', module, manifest });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ connectorId: 'plugin-items', version: 1, actions: ['get_item'], allowedHosts: ['api.example.com'] });
    // A new version allows the test's API on 127.0.0.1: calls use the newest.
    const second = await call('POST', '/api/plugins', { name: 'Items', module, manifest: { ...manifest, allowedHosts: [items.host] } });
    expect(second.body).toMatchObject({ connectorId: 'plugin-items', version: 2, sha256: first.body.sha256 });
    expect((await call('GET', '/api/plugins')).body).toMatchObject({ count: 1, plugins: [{ connectorId: 'plugin-items', version: 2 }] });
  });

  it('makes a credentialed call to the API through the host function, durably, and records the version that ran', async () => {
    const listed = (await client.callTool({ name: 'list_connectors', arguments: { query: 'get an item' } })).structuredContent as { connectors: Array<{ id: string; origin: string }> };
    expect(listed.connectors).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'plugin-items', origin: 'plugin' })]));
    const needsCredential = await executeAction(client, { connectorId: 'plugin-items', actionId: 'get_item', parameters: { baseUrl: items.url, id: '7' } }).catch((error: unknown) => error);
    expect(needsCredential).toMatchObject({ code: 'CREDENTIAL_NOT_FOUND' });

    const credential = await call('POST', '/api/credentials', { connectorId: 'plugin-items', authenticationType: 'bearer', fields: { token } });
    expect(credential.status).toBe(201);
    const result = await executeAction(client, { connectorId: 'plugin-items', actionId: 'get_item', parameters: { baseUrl: items.url, id: '7' } });
    expect(result.data).toEqual({ item: { id: '7', name: 'item 7', youSent: '[redacted]' }, via: 'example plugin' });
    expect(items.seen.at(-1)).toBe(`Bearer ${token}`);
    // The answer can come before the run has closed: read it once it has.
    const runPath = `/api/runs/run_${Buffer.from(result.workflowId).toString('base64url')}`;
    let run = await call('GET', runPath);
    for (let tries = 0; run.body.status === 'running' && tries < 150; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      run = await call('GET', runPath);
    }
    expect(run.body, JSON.stringify(run.body).slice(0, 1500)).toMatchObject({ status: 'succeeded' });
    expect(run.body.result).toMatchObject({ plugin: { version: 2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(JSON.stringify(run.body)).not.toContain(token);
  });

  describe('a hostile plugin', () => {
    beforeAll(async () => {
      const { module } = await builtPlugin('hostile');
      const action = (id: string) => ({ id, title: id });
      const uploaded = await call('POST', '/api/plugins', {
        name: 'Hostile',
        module,
        manifest: { allowedHosts: [items.host], actions: ['spin', 'hog', 'exfiltrate', 'flood'].map(action) },
      });
      expect(uploaded.status).toBe(201);
    });
    const run = (actionId: string) => executeAction(client, { connectorId: 'plugin-hostile', actionId }).catch((error: unknown) => error as ToolCallError);

    it('an infinite loop is stopped at PLUGIN_TIMEOUT_MS', async () => {
      expect(await run('spin')).toMatchObject({ code: 'UPSTREAM_REJECTED', message: 'Plugin "Hostile" version 1 did not finish within 2 s (PLUGIN_TIMEOUT_MS) and was stopped', details: { reason: 'timeout' } });
    });

    it('a memory hog stops at its memory cap', async () => {
      expect(await run('hog')).toMatchObject({ code: 'UPSTREAM_REJECTED', message: expect.stringMatching(/^Plugin "Hostile" version 1 crashed .*capped at 32 MiB \(PLUGIN_MAX_MEMORY_MB\)/), details: { reason: 'crashed' } });
    });

    it('a request to a host its manifest does not allow is refused and ends the call', async () => {
      expect(await run('exfiltrate')).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/tried to reach 169\.254\.169\.254, which its manifest's allowedHosts do not list/), details: { reason: 'host-not-allowed' } });
    });

    it('an output over PLUGIN_MAX_OUTPUT_BYTES fails the call', async () => {
      expect(await run('flood')).toMatchObject({ code: 'UPSTREAM_REJECTED', message: expect.stringMatching(/returned 262144 bytes, over 65536 \(PLUGIN_MAX_OUTPUT_BYTES\)/) });
    });
  });
});
