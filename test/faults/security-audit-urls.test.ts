import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp } from '../support/mcp.js';
import { startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

/**
 * Issue 25, finding 1: a key inside a URL (userinfo, query, path, fragment) reached audit_log in
 * clear, since `*url` fields were taken for references. Every URL form is sent through every route
 * and admin tool that takes one, and through a field that is no URL field at all; no audit row and
 * no log line may hold any canary, while the masked URLs still show which host was meant.
 */
const CANARY = {
  query: 'canaryQueryValue1',
  password: 'canaryPassword2',
  userToken: 'canaryUserToken3',
  // A path key must look like one (secrets/urls.ts): long, letters and digits.
  path: 'canaryPath4a5b6c7d8e9f',
  fragment: 'canaryFragment5',
  inName: 'canaryInName6',
  settings: 'canarySettings7',
  custom: 'canaryCustom8',
};

let app: TestApp;
let remote: RemoteMcpServer;
let admin: Client;
let host: string;
const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

/** Each way a URL carries a key, pointing at the real remote server. */
const urlForms = () => ({
  query: `${remote.url}?api_key=${CANARY.query}`,
  userinfo: `http://user:${CANARY.password}@${host}/mcp`,
  userToken: `http://${CANARY.userToken}@${host}/mcp`,
  path: `http://${host}/s/${CANARY.path}/mcp`,
  fragment: `${remote.url}#access_token=${CANARY.fragment}`,
});

beforeAll(async () => {
  [app, remote] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startRemoteMcpServer()]);
  host = new URL(remote.url).host;
  const adminServer = await call('POST', '/api/servers', { name: 'admin teammate', admin: true });
  expect(adminServer.status).toBe(201);
  admin = await connectMcp(adminServer.body.accessUrl);
});

afterAll(async () => {
  await admin?.close();
  await remote?.close();
  await app?.close();
});

describe('URLs in audit entries', () => {
  it('no audit row or log line holds a key from any part of any URL, sent through any route or admin tool', async () => {
    const forms = Object.entries(urlForms());
    for (const [form, url] of forms) {
      const created = await call('POST', '/api/mcp-connectors', { name: `rest ${form}`, url });
      expect(created.status, form).toBe(201);
      // Edited to the next form, so `before` (the stored connector) and `after` both carry one.
      const next = forms[(forms.findIndex(([name]) => name === form) + 1) % forms.length]![1];
      expect((await call('PUT', `/api/mcp-connectors/${created.body.id}`, { url: next })).status, form).toBe(200);
      const tooled = await admin.callTool({ name: 'create_mcp_connector', arguments: { name: `tool ${form}`, url } });
      expect(tooled.isError, form).toBeFalsy();
      const edited = await admin.callTool({ name: 'update_mcp_connector', arguments: { id: (tooled.structuredContent as { id: string }).id, url: next } });
      expect(edited.isError, form).toBeFalsy();
    }
    // A URL pasted where no URL is expected is masked the same way.
    expect((await call('POST', '/api/mcp-connectors', { name: `see http://u:${CANARY.inName}@example.com/`, url: remote.url })).status).toBe(201);

    // Settings: `before` carries the previous base URL, so two changes in a row.
    for (const baseUrl of [`https://user:${CANARY.settings}@api.github.com`, `https://api.github.com/?access_token=${CANARY.settings}`]) {
      expect((await call('PUT', '/api/connectors/github/settings', { baseUrl })).status).toBe(200);
    }
    const setByTool = await admin.callTool({ name: 'set_connector_settings', arguments: { id: 'github', baseUrl: `https://api.github.com/${CANARY.path}/` } });
    expect(setByTool.isError).toBeFalsy();

    const custom = {
      id: 'widgets',
      name: 'Widgets',
      baseUrl: `https://bot:${CANARY.custom}@widgets.example.com/api`,
      authMethods: [{ type: 'none' }],
      resources: [{ id: 'widgets', name: 'Widgets' }],
      actions: [
        {
          id: 'list',
          resource: 'widgets',
          title: 'List widgets',
          description: `See https://docs.example.com/widgets?key=${CANARY.custom}`,
          method: 'GET',
          path: '/widgets',
          idempotent: true,
          parameters: [],
          response: {},
        },
      ],
    };
    expect((await call('POST', '/api/connectors', custom)).status).toBe(201);

    const rows = await app.database.db.selectFrom('audit_log').selectAll().execute();
    const actions = new Set(rows.map((row) => row.action));
    for (const action of [
      'POST /api/mcp-connectors',
      'PUT /api/mcp-connectors/:id',
      'MCP create_mcp_connector',
      'MCP update_mcp_connector',
      'PUT /api/connectors/:id/settings',
      'MCP set_connector_settings',
      'POST /api/connectors',
    ]) {
      expect(actions, action).toContain(action);
    }
    const stored = rows.map((row) => JSON.stringify(row));
    const logged = app.logs.lines;
    for (const [name, canary] of Object.entries(CANARY)) {
      expect(stored.filter((text) => text.includes(canary)), `audit rows holding the ${name} canary`).toEqual([]);
      expect(logged.filter((line) => line.includes(canary)), `log lines holding the ${name} canary`).toEqual([]);
    }

    // Still readable: which host, which path, which parameter.
    const afterUrls = rows.filter((row) => row.action === 'POST /api/mcp-connectors').map((row) => (row.after as { url?: string }).url);
    expect(afterUrls).toEqual(
      expect.arrayContaining([
        `${remote.url}?api_key=[masked]`,
        `http://[masked]@${host}/mcp`,
        `http://${host}/s/[masked]/mcp`,
        `${remote.url}#[masked]`,
      ]),
    );
  });
});
