import { resultFromTaskOutcome } from '@modelcontextprotocol/ext-tasks/client';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { connectToFakeSaas } from '../support/fixtures.js';
import { api, connectMcp, connectTaskSession } from '../support/mcp.js';
import { MEDIA_CONTENT, startRemoteMcpServer } from '../support/remoteMcpServer.js';

/**
 * A tools-mode catalogue tool is execute_action's run, so it is offered as a task as execute_action
 * is: task-augmented tools/call on 2025-11-25 (SDK v1), the Tasks extension on 2026-07-28 (its own
 * client over SDK v2).
 */
const clientInfo = { name: 'tools-mode-tasks', version: '1.0.0' };
const postMessage = { channel: 'C1', text: 'tools task' };

describe('tools mode: catalogue tools as tasks', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let accessUrl: string;

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startFakeSaas()]);
    await connectToFakeSaas(app, fake, ['slack']);
    const server = await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', {
      name: 'tools tasks',
      mode: 'tools',
      restrictions: { connectors: { mode: 'allowlist', ids: ['slack'] }, actions: { mode: 'allowlist', ids: ['slack:chat_postMessage'] } },
    });
    accessUrl = server.body.accessUrl;
  });
  afterAll(async () => {
    await fake?.close();
    await app?.close();
  });

  it('on 2025-11-25 (SDK v1): announces task support, answers a task-augmented call with a task, and tasks/result with the result', async () => {
    const client = await connectMcp(accessUrl);
    try {
      const tools = (await client.listTools()).tools;
      expect(tools.map((tool) => tool.name)).toEqual(['slack_chat_postMessage']);
      expect(tools[0]!.execution).toEqual({ taskSupport: 'optional' });
      const { task } = await client.request(
        { method: 'tools/call', params: { name: 'slack_chat_postMessage', arguments: postMessage, task: { ttl: 600_000 } } },
        CreateTaskResultSchema,
      );
      expect(task.status).toBe('working');
      const result = await client.request({ method: 'tasks/result', params: { taskId: task.taskId } }, CallToolResultSchema, { timeout: 60_000 });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ status: 200, result: { ok: true, channel: 'C1' }, workflowId: expect.stringMatching(/^execute-action\//) });
    } finally {
      await client.close();
    }
  });

  it("on 2025-11-25: a remote MCP server's tool is a task too, its result relayed whole by tasks/result", async () => {
    const remote = await startRemoteMcpServer(undefined, { mediaTools: true });
    const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
    const server = await call('POST', '/api/servers', { name: 'remote tasks', mode: 'tools' });
    const created = await call('POST', '/api/mcp-connectors', { name: 'Media', url: remote.url, headers: { 'x-api-key': remote.apiKey } });
    expect((await call('POST', `/api/servers/${server.body.serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);
    const client = await connectMcp(server.body.accessUrl);
    try {
      const media = (await client.listTools()).tools.find((tool) => tool.name === 'media');
      expect(media?.execution).toEqual({ taskSupport: 'optional' });
      const { task } = await client.request({ method: 'tools/call', params: { name: 'media', arguments: {}, task: { ttl: 600_000 } } }, CreateTaskResultSchema);
      const result = await client.request({ method: 'tasks/result', params: { taskId: task.taskId } }, CallToolResultSchema, { timeout: 60_000 });
      expect(result.content).toEqual(MEDIA_CONTENT);
      expect(result.structuredContent).toEqual({ pictures: 1 });
      expect(result._meta).toMatchObject({ 'example.com/trace': 'm-1', 'io.modelcontextprotocol/related-task': { taskId: task.taskId } });
    } finally {
      await client.close();
      await remote.close();
    }
  });

  it('on 2026-07-28 (Tasks extension): a long call becomes a task that completes', async () => {
    fake.fail({ delayMs: 4_000, times: 1 });
    const { session, close } = await connectTaskSession(accessUrl, clientInfo);
    try {
      const execution = await session.callTool('slack_chat_postMessage', postMessage);
      expect(execution.kind).toBe('task');
      const { outcome } = await execution.settle();
      expect(outcome.status).toBe('completed');
      const result = resultFromTaskOutcome(outcome) as { structuredContent: unknown };
      expect(result.structuredContent).toMatchObject({ status: 200, result: { ok: true, channel: 'C1' } });
    } finally {
      await close();
    }
  });
});
