import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp, toolError } from '../support/mcp.js';
import { startHangingServer, startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

const structured = (result: unknown) => (result as { structuredContent?: unknown }).structuredContent as any;

/** Payloads serialise as base64 `data`; decode them so a secret in any of them would show up in the text. */
function historyText(history: unknown): string {
  const decoded = JSON.parse(JSON.stringify(history), (key, value: unknown) =>
    key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
  ) as unknown;
  return JSON.stringify(decoded);
}

describe('remote MCP connectors, variables and per-server assignment', () => {
  let app: TestApp;
  let remote: RemoteMcpServer;
  let hanging: Awaited<ReturnType<typeof startHangingServer>>;
  let client: Client;
  let serverId: string;
  let connectorRowId: string;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  const tool = async (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
  const listedIds = async () => {
    const ids: string[] = [];
    for (let offset: number | undefined = 0; offset !== undefined; ) {
      const page = structured(await tool('list_connectors', { offset, limit: 100 }));
      ids.push(...(page.connectors as Array<{ id: string }>).map((c) => c.id));
      offset = page.nextOffset;
    }
    return ids;
  };

  beforeAll(async () => {
    [app, remote, hanging] = await Promise.all([
      startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000', REMOTE_MCP_TIMEOUT_MS: '1500', UPSTREAM_TOTAL_TIMEOUT_MS: '3000' } }),
      startRemoteMcpServer(),
      startHangingServer(),
    ]);
    const server = await call('POST', '/api/servers', { name: 'remote agent' });
    serverId = server.body.serverId;
    client = await connectMcp(server.body.accessUrl);
  });
  afterAll(async () => {
    await client?.close();
    await Promise.all([remote?.close(), hanging?.close()]);
    await app?.close();
  });

  it('keeps variables secret: masked on read', async () => {
    const put = await call('PUT', '/api/variables/apiKey', { value: remote.apiKey });
    expect(put.status).toBe(200);
    const list = await call('GET', '/api/variables');
    expect(list.body.variables).toEqual([expect.objectContaining({ name: 'apiKey' })]);
    expect(JSON.stringify(list.body)).not.toContain(remote.apiKey);
    expect((await call('PUT', '/api/variables/bad-name', { value: 'x' })).status).toBe(400);
  });

  it('registers a simple connector whose header comes from a variable, and rejects bad ones', async () => {
    const created = await call('POST', '/api/mcp-connectors', {
      name: 'Remote Tools',
      url: remote.url,
      headers: { 'x-api-key': '{{apiKey}}', 'x-static': 'a-literal-secret-value-123456' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ connectorId: 'mcp-remote-tools', type: 'simple', headers: { 'x-api-key': '{{apiKey}}' } });
    expect(JSON.stringify(created.body)).not.toContain('a-literal-secret-value-123456');
    connectorRowId = created.body.id;

    const duplicate = await call('POST', '/api/mcp-connectors', { name: 'Remote Tools', url: remote.url });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatchObject({ code: 'CONFLICT', message: 'A connector named "Remote Tools" already exists' });

    const notHttp = await call('POST', '/api/mcp-connectors', { name: 'ftp', url: 'ftp://example.com/mcp' });
    expect(notHttp.status).toBe(400);
    for (const host of ['10.0.0.1', '169.254.169.254']) {
      const refused = await call('POST', '/api/mcp-connectors', { name: `private ${host}`, url: `http://${host}/mcp` });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/Refusing to call/);
    }

    const retype = await call('PUT', `/api/mcp-connectors/${connectorRowId}`, { type: 'oauth' });
    expect(retype.status).toBe(400);
    expect(retype.body.error.message).toBe('Type cannot be changed. Recreate the connector to switch type.');
  });

  it('tests the connector: connects with the SDK client and lists its tools', async () => {
    const tested = await call('POST', '/api/mcp-connectors/test', { connectorId: connectorRowId });
    expect(tested.status).toBe(200);
    expect(tested.body).toEqual({
      ok: true,
      message: 'Connected · 4 tools',
      toolsets: [{ name: 'Remote Tools', count: 4, tools: expect.arrayContaining(['echo', 'add', 'whoami', 'sleep']) }],
    });
    expect((await call('POST', '/api/mcp-connectors/test', {})).status).toBe(400);
    expect((await call('GET', `/api/mcp-connectors/${connectorRowId}`)).body).toMatchObject({ toolCount: 4 });
  });

  it('reports an unreachable and a hanging server as errors within the bound', async () => {
    const closed = await startRemoteMcpServer();
    await closed.close();
    const unreachable = await call('POST', '/api/mcp-connectors', { name: 'Gone', url: closed.url });
    const hung = await call('POST', '/api/mcp-connectors', { name: 'Hung', url: hanging.url });

    const first = await call('POST', '/api/mcp-connectors/test', { connectorId: unreachable.body.id });
    expect(first.body).toEqual({ ok: false, code: 'UPSTREAM_ERROR', error: expect.stringMatching(/Could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/) });

    // The answer names the bound that cut the wait (no stopwatch here: this machine is too busy for one).
    const second = await call('POST', '/api/mcp-connectors/test', { connectorId: hung.body.id });
    expect(second.body).toEqual({ ok: false, code: 'UPSTREAM_ERROR', error: expect.stringMatching(/did not answer within 1\.5 s/) });
  });

  it('offers a remote connector only where it is assigned, and runs its tools durably', async () => {
    expect(await listedIds()).not.toContain('mcp-remote-tools');
    const unassigned = await tool('get_connector_resources', { connectorId: 'mcp-remote-tools' });
    expect(toolError(unassigned)?.code).toBe('FORBIDDEN');
    // POST /api/runs through the server applies the same policy: a remote connector needs an assignment.
    const echoRun = { kind: 'action', serverId, connectorId: 'mcp-remote-tools', actionId: 'echo', parameters: { text: 'run' } };
    const refusedRun = await call('POST', '/api/runs', echoRun);
    expect([refusedRun.status, refusedRun.body.error?.code]).toEqual([403, 'FORBIDDEN']);

    for (let i = 0; i < 2; i++) {
      const assigned = await call('POST', `/api/servers/${serverId}/connectors`, { mcpConnectorId: connectorRowId });
      expect(assigned.status).toBe(200);
      expect(assigned.body.count).toBe(1);
    }
    const listed = structured(await tool('list_connectors', {}));
    expect(listed.connectors).toEqual([
      expect.objectContaining({ id: 'mcp-remote-tools', name: 'Remote Tools', origin: 'remote-mcp', actionCount: 4 }),
    ]);
    expect(toolError(await tool('get_connector_resources', { connectorId: 'slack' }))?.code).toBe('FORBIDDEN');

    const details = structured(await tool('get_action_details', { connectorId: 'mcp-remote-tools', actionId: 'add' }));
    expect(details.requiredParameters.map((p: { name: string; location: string }) => [p.name, p.location])).toEqual([
      ['a', 'body'],
      ['b', 'body'],
    ]);

    const added = await tool('execute_action', { connectorId: 'mcp-remote-tools', actionId: 'add', parameters: { a: 2, b: 3 } });
    expect(structured(added)).toMatchObject({ status: 200, result: { sum: 5 } });
    const echoed = await tool('execute_action', { connectorId: 'mcp-remote-tools', actionId: 'echo', parameters: { text: 'hi' } });
    expect(structured(echoed).result).toBe('echo: hi');

    const whoami = await tool('execute_action', { connectorId: 'mcp-remote-tools', actionId: 'whoami', parameters: {} });
    expect(structured(whoami)).toMatchObject({ result: { user: 'tester' } });
    expect(remote.requests.some((headers) => headers['x-api-key'] === remote.apiKey)).toBe(true);

    const invalid = await tool('execute_action', { connectorId: 'mcp-remote-tools', actionId: 'add', parameters: { a: 'two' } });
    expect(toolError(invalid)?.code).toBe('INVALID_REQUEST');
    const invalidRun = await call('POST', '/api/runs', { ...echoRun, actionId: 'add', parameters: { a: 'two' } });
    expect([invalidRun.status, invalidRun.body.error?.code]).toEqual([400, 'INVALID_REQUEST']);
    expect((await call('POST', '/api/runs', echoRun)).status).toBe(202);

    const history = await app.temporal.client.workflow.getHandle(structured(whoami).workflowId).fetchHistory();
    const text = historyText(history);
    expect(text).toContain('whoami');
    expect(text).not.toContain(remote.apiKey);
    expect(text).not.toContain('a-literal-secret-value-123456');
  });

  it('maps tool errors and time-outs to UPSTREAM_ERROR without leaking secrets', async () => {
    expect((await call('PUT', '/api/variables/apiKey', { value: 'wrong-key-value-000000' })).status).toBe(200);
    const refused = toolError(await tool('execute_action', { connectorId: 'mcp-remote-tools', actionId: 'whoami', parameters: {} }));
    expect(refused?.code).toBe('UPSTREAM_ERROR');
    expect(refused?.message).toContain('missing or wrong x-api-key');
    await call('PUT', '/api/variables/apiKey', { value: remote.apiKey });

    // The tool sleeps 20 s; the answer names the 3 s bound that cut it short.
    const slow = toolError(await tool('execute_action', { connectorId: 'mcp-remote-tools', actionId: 'sleep', parameters: { ms: 20_000 } }));
    expect(slow).toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringMatching(/did not answer within 3 s/) });
  });

  it('flags an assigned oauth entry the user has not connected', async () => {
    const entries = await call('GET', '/api/mcp-connectors/oauth');
    expect(entries.body.entries.map((e: { id: string }) => e.id)).toEqual(['gmail', 'google-calendar', 'google-drive']);
    expect(entries.body.entries[0]).toMatchObject({ connectorId: 'gmail', needsConnection: true, hint: expect.stringContaining('create_credential') });

    await call('POST', `/api/servers/${serverId}/connectors`, { oauthMcp: 'gmail' });
    const gmail = (structured(await tool('list_connectors', {})).connectors as any[]).find((c) => c.id === 'gmail');
    expect(gmail).toMatchObject({ needsConnection: true, hint: expect.stringContaining('create_credential') });
    const tested = await call('POST', '/api/mcp-connectors/test', { oauthMcp: 'gmail' });
    expect(tested.body).toMatchObject({ ok: false, needsConnection: true, connectorId: 'gmail' });
    await call('DELETE', `/api/servers/${serverId}/connectors`, { oauthMcp: 'gmail' });
  });

  it('unassigning hides the tools again; deleting the connector removes its assignments', async () => {
    const removed = await call('DELETE', `/api/servers/${serverId}/connectors`, { mcpConnectorId: connectorRowId });
    expect(removed.body).toMatchObject({ removed: true, count: 0 });
    const again = await call('DELETE', `/api/servers/${serverId}/connectors`, { mcpConnectorId: connectorRowId });
    expect(again.body).toMatchObject({ removed: false, count: 0 });
    const ids = await listedIds();
    expect(ids).not.toContain('mcp-remote-tools');
    expect(ids).toContain('slack');
    const hidden = await tool('execute_action', { connectorId: 'mcp-remote-tools', actionId: 'echo', parameters: { text: 'x' } });
    expect(toolError(hidden)?.code).toBe('FORBIDDEN');
    const hiddenRun = await call('POST', '/api/runs', { kind: 'action', serverId, connectorId: 'mcp-remote-tools', actionId: 'echo', parameters: { text: 'x' } });
    expect([hiddenRun.status, hiddenRun.body.error?.code]).toEqual([403, 'FORBIDDEN']);

    await call('POST', `/api/servers/${serverId}/connectors`, { mcpConnectorId: connectorRowId });
    expect((await call('DELETE', `/api/mcp-connectors/${connectorRowId}`)).status).toBe(200);
    expect((await call('GET', `/api/servers/${serverId}/connectors`)).body.count).toBe(0);
    expect(JSON.stringify((await call('GET', '/api/mcp-connectors')).body)).not.toContain(remote.apiKey);
  });
});
