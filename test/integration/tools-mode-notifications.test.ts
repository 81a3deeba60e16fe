import { LOG_LEVEL_META_KEY } from '@modelcontextprotocol/client';
import { LoggingMessageNotificationSchema, ToolListChangedNotificationSchema, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { until } from '../support/faults.js';
import { api, connectMcp, connectMcpV2 } from '../support/mcp.js';
import { startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

/**
 * A remote MCP server's progress and log notifications during a tools-mode call reach the caller:
 * the worker's attempt notes them (scrubbed of the connector's secrets) in run_notes, and the front
 * door answering the call passes them on while it waits for the run (docs/tools-mode.md).
 */
describe('tools mode: remote progress and logging relayed', () => {
  let app: TestApp;
  let remote: RemoteMcpServer;
  let accessUrl: string;
  let serverId: string;

  beforeAll(async () => {
    [app, remote] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startRemoteMcpServer(undefined, { reportingTools: true })]);
    const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
    const server = await call('POST', '/api/servers', { name: 'reporting tools', mode: 'tools' });
    const created = await call('POST', '/api/mcp-connectors', { name: 'Reporter', url: remote.url, headers: { 'x-api-key': remote.apiKey } });
    expect(created.status).toBe(201);
    expect((await call('POST', `/api/servers/${server.body.serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);
    accessUrl = server.body.accessUrl;
    serverId = server.body.serverId;
  });
  afterAll(async () => {
    await remote?.close();
    await app?.close();
  });

  const expectRelayed = (progress: Progress[], logs: Array<Record<string, any>>) => {
    const messages = progress.map((entry) => entry.message);
    expect(messages).toEqual(expect.arrayContaining(['halfway (1/2)', 'done (2/2)']));
    const values = progress.map((entry) => entry.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    const remoteLog = logs.find((log) => log.data?.logger === 'remote-test');
    expect(remoteLog).toMatchObject({ level: 'warning', data: { data: { said: expect.stringContaining('used key') } } });
    expect(JSON.stringify(logs)).not.toContain(remote.apiKey);
  };

  it('on 2025-11-25 (SDK v1): notifications on the call stream, the log at the session level', async () => {
    const client = await connectMcp(accessUrl);
    try {
      await client.setLoggingLevel('info');
      const logs: Array<Record<string, any>> = [];
      client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
        logs.push(notification.params);
      });
      const progress: Progress[] = [];
      const result = await client.callTool({ name: 'report', arguments: {} }, undefined, { onprogress: (entry) => progress.push(entry) });
      expect(result.content).toEqual([{ type: 'text', text: 'reported' }]);
      expectRelayed(progress, logs);
    } finally {
      await client.close();
    }
  });

  it('on 2026-07-28 (SDK v2): notifications on the request stream, the log at the level in _meta', async () => {
    const client = await connectMcpV2(accessUrl, { name: 'tools-mode-notifications' });
    try {
      const logs: Array<Record<string, any>> = [];
      client.setNotificationHandler('notifications/message', (notification) => {
        logs.push(notification.params as Record<string, any>);
      });
      const progress: Progress[] = [];
      const result = await client.callTool(
        { name: 'report', arguments: {}, _meta: { [LOG_LEVEL_META_KEY]: 'info' } },
        { onprogress: (entry: Progress) => progress.push(entry) },
      );
      expect(result.content).toEqual([{ type: 'text', text: 'reported' }]);
      expectRelayed(progress, logs);
    } finally {
      await client.close();
    }
  });

  it("a remote's tools/list_changed during a call makes the next tools/list ask it again, and reaches the session", async () => {
    const client = await connectMcp(accessUrl);
    try {
      let changed = 0;
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        changed += 1;
      });
      expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('grown');
      expect((await client.callTool({ name: 'grow', arguments: {} })).isError).toBeFalsy();
      await until(() => changed > 0, 'tools/list_changed on the session stream');
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('grown');
    } finally {
      await client.close();
    }
  });

  it('a 2025-11-25 session hears tools/list_changed on its GET stream when an assignment changes what it is offered', async () => {
    const client = await connectMcp(accessUrl);
    try {
      expect(client.getServerCapabilities()?.tools?.listChanged).toBe(true);
      let changed = 0;
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        changed += 1;
      });
      // The same server assigned a second time: every tool now collides, and is prefixed.
      const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
      const twin = await call('POST', '/api/mcp-connectors', { name: 'Reporter twin', url: remote.url, headers: { 'x-api-key': remote.apiKey } });
      expect((await call('POST', `/api/servers/${serverId}/connectors`, { mcpConnectorId: twin.body.id })).status).toBe(200);
      await until(() => changed > 0, 'tools/list_changed on the session stream');
      expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('report');
    } finally {
      await client.close();
    }
  });
});
