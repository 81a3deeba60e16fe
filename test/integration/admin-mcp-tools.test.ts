import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTools } from '../../src/api/mcp/tools/admin/index.js';
import { allTools } from '../../src/api/mcp/tools/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp, toolError } from '../support/mcp.js';
import { builtPlugin } from '../support/plugins.js';
import { startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

/**
 * The management tools of a server flagged admin, driven by the official SDK clients against the
 * real app and a real remote MCP server on 127.0.0.1: each answers what its REST route answers,
 * takes its schema, needs its role, and leaves its audit entry. No deletion is offered.
 */

type ToolResult = { isError?: boolean; structuredContent?: unknown; content?: unknown };
const structured = (result: unknown) => (result as ToolResult).structuredContent as any;
const adminToolNames = adminTools.map((tool) => tool.name);

let app: TestApp;
let remote: RemoteMcpServer;
let adminServer: { serverId: string; accessUrl: string; url: string };
let plainServer: { serverId: string; accessUrl: string };
let admin: Client;
let operatorKey: string;
const clients: Array<{ close(): Promise<unknown> }> = [];
const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
const tool = async (name: string, args: Record<string, unknown> = {}) => admin.callTool({ name, arguments: args });
const connect = async (url: string, headers: Record<string, string> = {}) => {
  const client = await connectMcp(url, headers);
  clients.push(client);
  return client;
};
type AuditEntry = { action: string; status: number; target: Record<string, string>; before: unknown; after: any; actor: any };
const auditOf = async (action: string) =>
  (await call('GET', `/api/audit?action=${encodeURIComponent(action)}&limit=50`)).body.entries as AuditEntry[];

beforeAll(async () => {
  [app, remote] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startRemoteMcpServer()]);
  const created = await call('POST', '/api/servers', { name: 'admin teammate', admin: true });
  expect(created.status).toBe(201);
  expect(created.body.admin).toBe(true);
  adminServer = created.body;
  plainServer = (await call('POST', '/api/servers', { name: 'plain agent' })).body;
  operatorKey = (await call('POST', '/api/keys', { name: 'ops', role: 'operator' })).body.key;
  admin = await connect(adminServer.accessUrl);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await remote?.close();
  await app?.close();
});

describe('tools/list', () => {
  it('offers the management tools on an admin server, with their annotations and no deletion', async () => {
    const { tools } = await admin.listTools();
    expect(tools.map((listed) => listed.name)).toEqual([...allTools.map((known) => known.name), ...adminToolNames]);
    expect(tools.filter((listed) => /delete|remove|revoke/i.test(listed.name))).toEqual([]);
    const annotations = Object.fromEntries(tools.map((listed) => [listed.name, listed.annotations]));
    for (const name of ['list_servers', 'list_server_connectors', 'list_mcp_connectors', 'list_oauth_mcp_entries', 'get_mcp_connector', 'list_account_connectors', 'get_account_connector', 'list_runs', 'get_run']) {
      expect(annotations[name], name).toMatchObject({ readOnlyHint: true, destructiveHint: false, openWorldHint: false });
    }
    expect(annotations.create_mcp_connector).toMatchObject({ readOnlyHint: false, destructiveHint: false, openWorldHint: false });
    expect(annotations.assign_connector).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: true });
    for (const name of ['update_mcp_connector', 'unassign_connector', 'set_connector_settings']) {
      expect(annotations[name], name).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
    }
    expect(annotations.test_mcp_connector).toMatchObject({ readOnlyHint: false, destructiveHint: false, openWorldHint: true });
  });

  it('offers them on protocol revision 2026-07-28 too', async () => {
    const v2 = new ClientV2({ name: 'admin-tests-v2', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await v2.connect(new TransportV2(new URL(adminServer.accessUrl)));
    clients.push(v2);
    expect(v2.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const { tools } = await v2.listTools();
    expect(tools.map((listed) => listed.name)).toEqual(expect.arrayContaining(adminToolNames));
    const listed = (await v2.callTool({ name: 'list_servers', arguments: {} })) as ToolResult;
    expect(structured(listed)).toEqual((await call('GET', '/api/servers')).body);
  });

  it('keeps them off an ordinary server, where calling one is an unknown tool', async () => {
    const plain = await connect(plainServer.accessUrl);
    const names = (await plain.listTools()).tools.map((listed) => listed.name);
    expect(names).toEqual(allTools.map((known) => known.name));
    const refused = await plain.callTool({ name: 'list_servers', arguments: {} });
    expect(toolError(refused)).toMatchObject({ code: 'NOT_FOUND', message: 'Unknown tool "list_servers"' });
  });

  it('mirrors each route: the role it declares and the schema it validates with', async () => {
    const document = (await (await fetch(`${app.apiUrl}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
    const { tools } = await admin.listTools();
    for (const adminTool of adminTools) {
      const { method, path, access } = adminTool.mirrors;
      const operation = document.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method];
      expect(operation?.['x-switchboard-role'], adminTool.name).toBe(access);
      const properties = (tools.find((listed) => listed.name === adminTool.name)!.inputSchema.properties ?? {}) as Record<string, unknown>;
      const body = operation.requestBody?.content['application/json'].schema;
      for (const [name, schema] of Object.entries((body?.properties ?? {}) as Record<string, unknown>)) {
        expect(properties[name], `${adminTool.name}.${name}`).toEqual(schema);
      }
      for (const parameter of (operation.parameters ?? []) as Array<{ name: string; in: string; schema: unknown }>) {
        expect(properties[parameter.name], `${adminTool.name}.${parameter.name}`).toBeDefined();
        if (parameter.in === 'query') expect(properties[parameter.name], `${adminTool.name}.${parameter.name}`).toEqual(parameter.schema);
      }
    }
  });
});

describe('remote MCP connectors through the admin tools', () => {
  let connectorRowId: string;

  it('creates, reads, updates and tests a connector, answering what REST answers', async () => {
    await call('PUT', '/api/variables/apiKey', { value: remote.apiKey });
    const created = structured(await tool('create_mcp_connector', { name: 'Remote Tools', url: remote.url, headers: { 'x-api-key': '{{apiKey}}' } }));
    expect(created).toMatchObject({ connectorId: 'mcp-remote-tools', type: 'simple', headers: { 'x-api-key': '{{apiKey}}' }, toolCount: null });
    connectorRowId = created.id;
    expect(structured(await tool('get_mcp_connector', { id: connectorRowId }))).toEqual((await call('GET', `/api/mcp-connectors/${connectorRowId}`)).body);
    expect(structured(await tool('list_mcp_connectors'))).toEqual((await call('GET', '/api/mcp-connectors')).body);
    expect(structured(await tool('list_oauth_mcp_entries'))).toEqual((await call('GET', '/api/mcp-connectors/oauth')).body);

    const duplicate = await tool('create_mcp_connector', { name: 'Remote Tools', url: remote.url });
    expect(toolError(duplicate)).toMatchObject({ code: 'CONFLICT' });
    const invalid = await tool('create_mcp_connector', { name: 'No URL' });
    expect(toolError(invalid)).toMatchObject({ code: 'INVALID_REQUEST', details: { issues: [expect.objectContaining({ field: 'url' })] } });

    const updated = structured(await tool('update_mcp_connector', { id: 'mcp-remote-tools', category: 'development' }));
    expect(updated).toMatchObject({ id: connectorRowId, category: 'development', toolCount: 4 });
    const retype = await tool('update_mcp_connector', { id: connectorRowId, type: 'oauth' });
    expect(toolError(retype)?.message).toBe('Type cannot be changed. Recreate the connector to switch type.');

    const tested = structured(await tool('test_mcp_connector', { connectorId: connectorRowId }));
    expect(tested).toEqual({ ok: true, message: 'Connected · 4 tools', toolsets: [{ name: 'Remote Tools', count: 4, tools: expect.arrayContaining(['echo', 'add', 'whoami', 'sleep']) }] });
    expect(toolError(await tool('test_mcp_connector', {}))?.code).toBe('INVALID_REQUEST');
  });

  it('assigns and unassigns connectors and lists servers with their assignments', async () => {
    const servers = structured(await tool('list_servers'));
    expect(servers).toEqual((await call('GET', '/api/servers')).body);
    expect(servers.servers.map((server: { serverId: string; admin: boolean }) => [server.serverId, server.admin])).toEqual(
      expect.arrayContaining([
        [adminServer.serverId, true],
        [plainServer.serverId, false],
      ]),
    );
    expect(JSON.stringify(servers)).not.toContain(adminServer.accessUrl.split('/').pop());

    const assigned = structured(await tool('assign_connector', { serverId: plainServer.serverId, mcpConnectorId: connectorRowId }));
    expect(assigned).toMatchObject({ count: 1, assignments: [expect.objectContaining({ kind: 'mcp', connectorId: 'mcp-remote-tools' })] });
    expect(structured(await tool('list_server_connectors', { serverId: plainServer.serverId }))).toEqual(
      (await call('GET', `/api/servers/${plainServer.serverId}/connectors`)).body,
    );
    const plain = await connect(plainServer.accessUrl);
    const offered = structured(await plain.callTool({ name: 'list_connectors', arguments: {} }));
    expect(offered.connectors.map((connector: { id: string }) => connector.id)).toEqual(['mcp-remote-tools']);

    const removed = structured(await tool('unassign_connector', { serverId: plainServer.serverId, mcpConnectorId: connectorRowId }));
    expect(removed).toMatchObject({ removed: true, count: 0 });
    expect(structured(await tool('unassign_connector', { serverId: plainServer.serverId, mcpConnectorId: connectorRowId }))).toMatchObject({ removed: false });
    const both = await tool('assign_connector', { serverId: plainServer.serverId, connectorId: 'slack', oauthMcp: 'gmail' });
    expect(toolError(both)?.code).toBe('INVALID_REQUEST');
  });

  it('lists catalogue and custom connectors and reads and sets their settings', async () => {
    const listed = structured(await tool('list_account_connectors', { query: 'github', limit: 5 }));
    expect(listed).toEqual((await call('GET', '/api/connectors?query=github&limit=5')).body);
    expect(listed.connectors[0].id).toBe('github');

    const set = structured(await tool('set_connector_settings', { id: 'github', baseUrl: 'https://ghe.example.com/api/v3' }));
    expect(set).toMatchObject({ connectorId: 'github', settings: { baseUrl: 'https://ghe.example.com/api/v3' } });
    const read = structured(await tool('get_account_connector', { id: 'github' }));
    expect(read).toEqual((await call('GET', '/api/connectors/github')).body);
    expect(read.settings.baseUrl).toBe('https://ghe.example.com/api/v3');
    expect(structured(await tool('set_connector_settings', { id: 'github', baseUrl: null })).settings.baseUrl ?? null).toBeNull();
  });

  it('lists runs and reads one, as GET /api/runs does', async () => {
    await tool('assign_connector', { serverId: adminServer.serverId, mcpConnectorId: connectorRowId });
    const ran = structured(await tool('execute_action', { connectorId: 'mcp-remote-tools', actionId: 'echo', parameters: { text: 'hi' } }));
    expect(ran.result).toBe('echo: hi');

    let run: { runId: string; workflowId: string } | undefined;
    for (let i = 0; i < 50 && !run; i++) {
      run = structured(await tool('list_runs', { connectorId: 'mcp-remote-tools' })).runs.find((item: { workflowId: string }) => item.workflowId === ran.workflowId);
      if (!run) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(run).toMatchObject({ status: 'succeeded', serverId: adminServer.serverId });
    const details = structured(await tool('get_run', { id: run!.runId }));
    expect(details).toEqual((await call('GET', `/api/runs/${run!.runId}`)).body);
    expect(details).toMatchObject({ status: 'succeeded', result: { status: 200, data: 'echo: hi' } });
    expect(toolError(await tool('get_run', { id: 'run_bm9wZQ' }))?.code).toBe('NOT_FOUND');
  });
});

describe('WASM plugins through the admin tools', () => {
  it('uploads, lists, reads and tests a plugin, answering what REST answers; operators read but do not upload', async () => {
    const { module, manifest } = await builtPlugin('example');
    const first = structured(await tool('upload_plugin', { name: 'Admin Items', module, manifest }));
    expect(first).toMatchObject({ connectorId: 'plugin-admin-items', version: 1, actions: ['get_item'] });
    const second = structured(await tool('upload_plugin', { name: 'Admin Items', module, manifest: { ...manifest, allowedHosts: ['items.example.com'] } }));
    expect(second).toMatchObject({ id: first.id, version: 2, allowedHosts: ['items.example.com'] });
    const wrong = toolError(await tool('upload_plugin', { name: 'Admin Items', module, manifest: { ...manifest, actions: [{ id: 'nope', title: 'Nope' }] } }));
    expect(wrong).toMatchObject({ code: 'INVALID_REQUEST', message: 'The module does not export nope' });
    expect(toolError(await tool('upload_plugin', { name: 'No module', manifest }))?.code).toBe('INVALID_REQUEST');

    expect(structured(await tool('list_plugins'))).toEqual((await call('GET', '/api/plugins')).body);
    const read = structured(await tool('get_plugin', { id: 'plugin-admin-items' }));
    expect(read).toEqual((await call('GET', `/api/plugins/${first.id}`)).body);
    expect(read).toMatchObject({ version: 2, auth: 'bearer', versions: [expect.objectContaining({ version: 2, allowedHosts: ['items.example.com'] }), expect.objectContaining({ version: 1 })] });
    expect(toolError(await tool('get_plugin', { id: 'plugin-nope' }))?.code).toBe('NOT_FOUND');

    const tested = structured(await tool('test_plugin', { id: first.id, version: 1 }));
    expect(tested).toEqual({ ok: true, message: 'Loaded version 1 · 1 action', version: 1, sha256: first.sha256, actions: ['get_item'] });
    expect(structured(await tool('test_plugin', { id: 'plugin-admin-items' }))).toMatchObject({ ok: true, version: 2 });
    expect(toolError(await tool('test_plugin', { id: first.id, version: 9 }))?.code).toBe('NOT_FOUND');

    const operator = await connect(adminServer.url, { authorization: `Bearer ${operatorKey}` });
    expect(structured(await operator.callTool({ name: 'get_plugin', arguments: { id: first.id } })).version).toBe(2);
    for (const name of ['upload_plugin', 'test_plugin']) {
      const refused = toolError(await operator.callTool({ name, arguments: { id: first.id, name: 'Sneaky', module, manifest } }));
      expect(refused, name).toMatchObject({ code: 'FORBIDDEN', details: { requiredRole: 'admin', role: 'operator' } });
    }
    const audits = await auditOf('MCP upload_plugin');
    expect(audits.map((entry) => entry.status)).toEqual([403, 400, 400, 201, 201]);
    expect(audits.find((entry) => entry.status === 201)).toMatchObject({ after: { name: 'Admin Items' } });
  }, 300_000);
});

describe('refusals', () => {
  it('offers no delete: a delete tool is unknown', async () => {
    for (const name of ['delete_mcp_connector', 'delete_server', 'delete_connector', 'delete_plugin']) {
      const refused = await tool(name, { id: 'mcp-remote-tools' });
      expect(toolError(refused), name).toMatchObject({ code: 'NOT_FOUND', message: `Unknown tool "${name}"` });
    }
    expect((await call('GET', '/api/mcp-connectors/mcp-remote-tools')).status).toBe(200);
  });

  it('refuses changes to a caller below admin, before reading its arguments', async () => {
    const operator = await connect(adminServer.url, { authorization: `Bearer ${operatorKey}` });
    expect(structured(await operator.callTool({ name: 'list_mcp_connectors', arguments: {} })).count).toBeGreaterThan(0);
    const refused = toolError(await operator.callTool({ name: 'create_mcp_connector', arguments: { name: 'Sneaky', url: remote.url } }));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', details: { requiredRole: 'admin', role: 'operator' } });
    const invalid = toolError(await operator.callTool({ name: 'set_connector_settings', arguments: { id: 'github', enabled: 'nope' } }));
    expect(invalid).toMatchObject({ code: 'FORBIDDEN', details: { requiredRole: 'admin' } });
    expect((await call('GET', '/api/mcp-connectors')).body.connectors.map((row: { name: string }) => row.name)).not.toContain('Sneaky');

    // The admin server's URL shared with an end user (x-user-token) acts as that user, not as an administrator.
    const userToken = (await call('POST', '/api/user-tokens', { userId: 'end-user' })).body.token as string;
    const endUser = await connect(adminServer.accessUrl, { 'x-user-token': userToken });
    expect(toolError(await endUser.callTool({ name: 'list_servers', arguments: {} }))).toMatchObject({ code: 'FORBIDDEN', details: { requiredRole: 'operator', role: 'user' } });
    expect(toolError(await endUser.callTool({ name: 'assign_connector', arguments: { serverId: plainServer.serverId, connectorId: 'slack' } }))?.code).toBe('FORBIDDEN');
  });

  it('makes a server admin through PUT /api/servers/:serverId', async () => {
    const made = await call('PUT', `/api/servers/${plainServer.serverId}`, { admin: true });
    expect(made.body.admin).toBe(true);
    const plain = await connect(plainServer.accessUrl);
    expect((await plain.listTools()).tools.map((listed) => listed.name)).toEqual(expect.arrayContaining(adminToolNames));
    await call('PUT', `/api/servers/${plainServer.serverId}`, { admin: false });
  });
});

describe('audit', () => {
  it('records every change made through a tool like the REST change it mirrors, refusals included', async () => {
    const [created] = (await auditOf('MCP create_mcp_connector')).filter((entry) => entry.status === 201);
    expect(created).toMatchObject({
      action: 'MCP create_mcp_connector',
      actor: { via: 'serverToken', role: 'admin' },
      target: { id: expect.stringMatching(/^mcp_/) },
      after: { name: 'Remote Tools', url: remote.url, headers: '[masked]' },
    });
    const statuses = (await auditOf('MCP create_mcp_connector')).map((entry) => entry.status).sort();
    expect(statuses).toEqual([201, 400, 403, 409]);
    const refused = (await auditOf('MCP create_mcp_connector')).find((entry) => entry.status === 403)!;
    expect(refused.actor).toMatchObject({ role: 'operator', via: 'apiKey' });

    const updates = await auditOf('MCP update_mcp_connector');
    const update = updates.find((entry) => entry.status === 200)!;
    // As on REST, the row id the answer names stands in the target for the mcp-<slug> the call used.
    expect(update).toMatchObject({ target: { id: expect.stringMatching(/^mcp_/) }, after: { category: 'development' }, before: { name: 'Remote Tools', category: 'other' } });
    expect(update.after.id).toBeUndefined();

    const assigns = await auditOf('MCP assign_connector');
    expect(assigns.find((entry) => entry.status === 200 && entry.target.serverId === plainServer.serverId)).toMatchObject({ after: { mcpConnectorId: expect.any(String) } });
    expect(assigns.map((entry) => entry.status)).toEqual(expect.arrayContaining([200, 400, 403]));
    expect((await auditOf('MCP unassign_connector')).map((entry) => entry.status)).toEqual([200, 200]);
    const settings = await auditOf('MCP set_connector_settings');
    expect(settings.find((entry) => entry.status === 200 && entry.after.baseUrl)).toMatchObject({ target: { id: 'github' }, before: expect.any(Object) });
    expect(settings.map((entry) => entry.status)).toContain(403);
    expect((await auditOf('MCP test_mcp_connector')).map((entry) => entry.status).sort()).toEqual([200, 400]);
    // Reads leave no entry, as GET routes leave none.
    expect(await auditOf('MCP list_')).toEqual([]);
    expect(await auditOf('MCP get_')).toEqual([]);
  });
});
