import { LOG_LEVEL_META_KEY } from '@modelcontextprotocol/client';
import { LoggingMessageNotificationSchema, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
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

  beforeAll(async () => {
    [app, remote] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startRemoteMcpServer(undefined, { reportingTools: true })]);
    const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
    const server = await call('POST', '/api/servers', { name: 'reporting tools', mode: 'tools' });
    const created = await call('POST', '/api/mcp-connectors', { name: 'Reporter', url: remote.url, headers: { 'x-api-key': remote.apiKey } });
    expect(created.status).toBe(201);
    expect((await call('POST', `/api/servers/${server.body.serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);
    accessUrl = server.body.accessUrl;
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

  it("a remote's tools/list_changed during a call makes the next tools/list ask it again", async () => {
    const client = await connectMcp(accessUrl);
    try {
      expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('grown');
      expect((await client.callTool({ name: 'grow', arguments: {} })).isError).toBeFalsy();
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('grown');
    } finally {
      await client.close();
    }
  });
});
