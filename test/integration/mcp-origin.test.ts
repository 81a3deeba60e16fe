import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp } from '../support/mcp.js';

const INSPECTOR = 'http://inspector.example:6274';

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'origin-tests', version: '1.0.0' } },
};

/** Browsers that may and may not drive /mcp and /api; undici lets the test set Host as a browser would. */
describe('Origin and Host validation', () => {
  let app: TestApp;
  let accessUrl: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { ALLOWED_ORIGINS: `${INSPECTOR}, https://console.example.com/` } });
    accessUrl = (await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'origin tests' })).body.accessUrl;
  });
  afterAll(async () => {
    await app?.close();
  });

  const port = () => new URL(app.apiUrl).port;

  const postMcp = async (headers: Record<string, string>) => {
    const response = await request(accessUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(initialize),
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  };

  it('serves a client that sends no Origin (not a browser)', async () => {
    const client = await connectMcp(accessUrl);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });

  it("serves the console's own origin, under whichever local name it was opened", async () => {
    expect((await postMcp({ origin: new URL(app.apiUrl).origin })).status).toBe(200);
    expect((await postMcp({ host: `localhost:${port()}`, origin: `http://localhost:${port()}` })).status).toBe(200);
    const apiCall = await request(`${app.apiUrl}/api/servers`, {
      headers: { authorization: `Bearer ${app.apiKey}`, origin: new URL(app.apiUrl).origin },
    });
    expect(apiCall.statusCode).toBe(200);
    expect(apiCall.headers['access-control-allow-origin']).toBeUndefined();
    await apiCall.body.dump();
  });

  it('refuses a foreign Origin with 403 in the JSON-RPC error format on /mcp and ours on /api', async () => {
    const refused = await postMcp({ origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32000, message: expect.stringContaining('ALLOWED_ORIGINS'), data: { code: 'FORBIDDEN', details: { origin: 'https://evil.example' } } },
    });
    expect((await postMcp({ origin: 'null' })).status).toBe(403);

    const apiCall = await request(`${app.apiUrl}/api/servers`, {
      headers: { authorization: `Bearer ${app.apiKey}`, origin: 'https://evil.example' },
    });
    expect(apiCall.statusCode).toBe(403);
    expect(await apiCall.body.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining('evil.example') } });
  });

  it('refuses DNS rebinding: a Host name nobody configured, with or without an Origin', async () => {
    const rebound = await postMcp({ host: 'evil.example.com', origin: 'http://evil.example.com' });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.text).error.data).toMatchObject({ code: 'FORBIDDEN', details: { host: 'evil.example.com' } });
    // A same-origin GET from the rebound page carries no Origin.
    const stream = await request(accessUrl, { headers: { host: `evil.example.com:${port()}`, accept: 'text/event-stream' } });
    expect(stream.statusCode).toBe(403);
    await stream.body.dump();
    // Probes and OAuth callbacks are not guarded.
    const health = await request(`${app.apiUrl}/healthz`, { headers: { host: 'evil.example.com' } });
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  });

  it('answers an ALLOWED_ORIGINS browser with CORS, preflight included, and accepts its host name', async () => {
    const preflight = await request(accessUrl, {
      method: 'OPTIONS',
      headers: {
        origin: INSPECTOR,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, mcp-protocol-version',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': INSPECTOR,
      'access-control-allow-methods': expect.stringContaining('POST'),
      'access-control-allow-headers': 'content-type, mcp-protocol-version',
    });
    await preflight.body.dump();

    const allowed = await postMcp({ origin: INSPECTOR });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(INSPECTOR);
    expect(allowed.headers['access-control-expose-headers']).toContain('Mcp-Session-Id');
    expect(allowed.headers['mcp-session-id']).toBeDefined();
    // A trailing slash in the setting is the same origin.
    expect((await postMcp({ origin: 'https://console.example.com' })).status).toBe(200);
    expect((await postMcp({ host: `inspector.example:${port()}`, origin: INSPECTOR })).status).toBe(200);

    const foreignPreflight = await request(accessUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(foreignPreflight.statusCode).toBe(403);
    expect(foreignPreflight.headers['access-control-allow-origin']).toBeUndefined();
    await foreignPreflight.body.dump();
  });
});
