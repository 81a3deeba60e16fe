import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CallToolResultSchema,
  CancelTaskResultSchema,
  CreateTaskResultSchema,
  GetTaskResultSchema,
  ListTasksResultSchema,
  LoggingMessageNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { api, connectMcp, toolError } from '../support/mcp.js';
import { spawnSwitchboard } from '../support/process.js';

const postMessage = { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'task' } };

function startTask(client: Client, args: Record<string, unknown> = postMessage) {
  return client.request(
    { method: 'tools/call', params: { name: 'execute_action', arguments: args, task: { ttl: 600_000 } } },
    CreateTaskResultSchema,
  );
}
const getTask = (client: Client, taskId: string) => client.request({ method: 'tasks/get', params: { taskId } }, GetTaskResultSchema);
const taskResult = (client: Client, taskId: string) =>
  client.request({ method: 'tasks/result', params: { taskId } }, CallToolResultSchema, { timeout: 60_000 });

describe('MCP tasks for long-running execute_action calls', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let server: { accessUrl: string; url: string; serverId: string };
  let client: Client;

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } }), startFakeSaas()]);
    const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
    await call('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url });
    await call('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: fake.token } });
    server = (await call('POST', '/api/servers', { name: 'tasks' })).body;
    client = await connectMcp(server.accessUrl);
  });
  afterAll(async () => {
    await client?.close();
    await fake?.close();
    await app?.close();
  });
  beforeEach(() => fake.reset());

  it('advertises task support on execute_action', async () => {
    expect(client.getServerCapabilities()?.tasks).toMatchObject({ requests: { tools: { call: {} } } });
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === 'execute_action')?.execution).toEqual({ taskSupport: 'optional' });
  });

  it('creates a task, polls it to completion and returns the result; tasks/list shows it', async () => {
    fake.fail({ delayMs: 1_500, times: 1 });
    const created = await startTask(client);
    expect(created.task.status).toBe('working');
    expect((await getTask(client, created.task.taskId)).status).toBe('working');

    const result = await taskResult(client, created.task.taskId);
    expect(result.structuredContent).toMatchObject({ status: 200, result: { ok: true, channel: 'C1' } });
    expect((await getTask(client, created.task.taskId)).status).toBe('completed');

    const listed = await client.request({ method: 'tasks/list', params: {} }, ListTasksResultSchema);
    expect(listed.tasks.map((task) => task.taskId)).toContain(created.task.taskId);
  });

  it('cancels a running task', async () => {
    fake.fail({ delayMs: 20_000, times: 1 });
    const created = await startTask(client);
    const cancelled = await client.request({ method: 'tasks/cancel', params: { taskId: created.task.taskId } }, CancelTaskResultSchema);
    expect(cancelled.status).toBe('cancelled');
    await expect.poll(async () => (await getTask(client, created.task.taskId)).status, { timeout: 15_000 }).toBe('cancelled');
  });

  it('keeps tasks to their user: another user cannot read or cancel them', async () => {
    const asUser = (userId: string) => connectMcp(server.url, { authorization: `Bearer ${app.apiKey}`, 'x-user-id': userId });
    const alice = await asUser('alice');
    const mallory = await asUser('mallory');
    const created = await startTask(alice);
    await expect(getTask(mallory, created.task.taskId)).rejects.toThrow(/Task not found/);
    await expect(client.request({ method: 'tasks/cancel', params: { taskId: created.task.taskId } }, CancelTaskResultSchema)).rejects.toThrow(/Task not found/);
    // Credentials are per user and alice has none: her task's result is hers to read, and says so.
    const result = await taskResult(alice, created.task.taskId);
    expect(toolError(result)?.code).toBe('CREDENTIAL_NOT_FOUND');
    await alice.close();
    await mallory.close();
  });

  it('sends progress notifications while a plain call runs, when asked', async () => {
    fake.fail({ delayMs: 2_500, times: 1 });
    const progress: string[] = [];
    const result = await client.callTool({ name: 'execute_action', arguments: postMessage }, CallToolResultSchema, {
      onprogress: (notification) => progress.push(notification.message ?? ''),
      timeout: 30_000,
    });
    expect(result.isError).toBeFalsy();
    expect(progress.length).toBeGreaterThanOrEqual(1);
  });

  it('sends log messages from the run to a client that set a level, from that level up', async () => {
    const messages: Array<{ level: string; logger?: string; data: any }> = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      messages.push(notification.params);
    });
    expect(client.getServerCapabilities()?.logging).toEqual({});
    await client.setLoggingLevel('info');
    fake.fail({ delayMs: 1_500, times: 1 });
    const done = await client.callTool({ name: 'execute_action', arguments: postMessage });
    expect(done.isError).toBeFalsy();
    const { workflowId } = done.structuredContent as { workflowId: string };
    expect(messages).toContainEqual({ level: 'info', logger: 'switchboard', data: { workflowId, message: 'The run finished' } });

    fake.fail({ status: 400, body: { ok: false, error: 'invalid_blocks' }, times: 1 });
    const failed = await client.callTool({ name: 'execute_action', arguments: postMessage });
    expect(toolError(failed)?.code).toBe('UPSTREAM_ERROR');
    expect(messages).toContainEqual(expect.objectContaining({ level: 'error', data: expect.objectContaining({ code: 'UPSTREAM_ERROR' }) }));

    // The level lives with the session, so it holds on later requests: info is now below it.
    await client.setLoggingLevel('error');
    messages.length = 0;
    expect((await client.callTool({ name: 'execute_action', arguments: postMessage })).isError).toBeFalsy();
    expect(messages).toEqual([]);
  });

  it('returns the result of a task started before the API process was killed and restarted', async () => {
    const env = {
      ...app.testDatabase.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: app.temporal.taskQueue,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      RATE_LIMIT_PER_MINUTE: '1000',
    };
    const first = await spawnSwitchboard('api', env);
    fake.fail({ delayMs: 3_000, times: 1 });
    const viaFirst = await connectMcp(server.accessUrl.replace(app.apiUrl, first.url));
    const created = await startTask(viaFirst);
    await first.stop('SIGKILL');

    const second = await spawnSwitchboard('api', env);
    try {
      const viaSecond = await connectMcp(server.accessUrl.replace(app.apiUrl, second.url));
      const result = await taskResult(viaSecond, created.task.taskId);
      expect(result.structuredContent).toMatchObject({ status: 200, result: { ok: true } });
      expect((await getTask(viaSecond, created.task.taskId)).status).toBe('completed');
      await viaSecond.close();
    } finally {
      await second.stop();
    }
  });
});
