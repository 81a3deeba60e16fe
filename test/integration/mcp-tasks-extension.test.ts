import { resultFromTaskOutcome } from '@modelcontextprotocol/ext-tasks/client';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { startOAuthUpstream, useOAuthUpstreamForSlack } from '../support/fixtures.js';
import { api, connectTaskSession, MODERN_REVISION, postModern as post, TASKS_EXTENSION as TASKS } from '../support/mcp.js';
import type { OAuthServerHandle } from '../support/oauthServer.js';
import type { TokenCheckedApi } from '../support/tokenCheckedApi.js';
import { spawnSwitchboard } from '../support/process.js';

/**
 * The Tasks extension (io.modelcontextprotocol/tasks) on protocol revision 2026-07-28, driven by
 * the extension's own TypeScript client (@modelcontextprotocol/ext-tasks) over the SDK v2 client.
 */
const clientInfo = { name: 'switchboard-tasks-tests', version: '1.0.0' };
const capabilities = { extensions: { [TASKS]: {} } };
const postMessage = { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'task' } };

const taskSession = (url: string) => connectTaskSession(url, clientInfo);

const envelope = (clientCapabilities: object) => ({
  'io.modelcontextprotocol/protocolVersion': MODERN_REVISION,
  'io.modelcontextprotocol/clientInfo': clientInfo,
  'io.modelcontextprotocol/clientCapabilities': clientCapabilities,
});

describe('MCP Tasks extension on 2026-07-28', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let server: { accessUrl: string };

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startFakeSaas()]);
    const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
    await call('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url });
    await call('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: fake.token } });
    server = (await call('POST', '/api/servers', { name: 'tasks-extension' })).body;
  });
  afterAll(async () => {
    await fake?.close();
    await app?.close();
  });
  beforeEach(() => fake.reset());

  it('declares the extension in server/discover', async () => {
    const answer = await post(server.accessUrl, { method: 'server/discover', params: { _meta: envelope(capabilities) } });
    expect(answer.result.capabilities.extensions).toEqual({ [TASKS]: {} });
  });

  it('answers a quick call inline, even to a client that declared the extension', async () => {
    // A new worker's first run also builds its workflow sandbox, which on a loaded machine can take
    // longer than the second the call waits inline: warm it with one run first.
    const warmUp = await post(server.accessUrl, { method: 'tools/call', params: { name: 'execute_action', arguments: postMessage, _meta: envelope({}) } });
    expect(warmUp.result.structuredContent).toMatchObject({ status: 200 });
    fake.reset();
    const { session, close } = await taskSession(server.accessUrl);
    const execution = await session.callTool('execute_action', postMessage);
    // Inline when the run ends within the second the call waits, which is a matter of time: on a
    // loaded machine the same call may come as a task (CI saw one in 2,025 ms). npm test asserts no
    // timing, so either is accepted here, and the call is settled before the next test begins.
    expect(['immediate', 'task']).toContain(execution.kind);
    const result = resultFromTaskOutcome((await execution.settle()).outcome) as { structuredContent: unknown };
    expect(result.structuredContent).toMatchObject({ status: 200, result: { ok: true, channel: 'C1' } });
    await close();
  });

  it('runs a long call as a task that survives a restart of Switchboard while it runs', async () => {
    const env = {
      ...app.testDatabase.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: app.temporal.taskQueue,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      RATE_LIMIT_PER_MINUTE: '100000',
    };
    const first = await spawnSwitchboard('api', env);
    fake.fail({ delayMs: 4_000, times: 1 });
    const viaFirst = await taskSession(server.accessUrl.replace(app.apiUrl, first.url));
    const execution = await viaFirst.session.callTool('execute_action', postMessage);
    expect(execution.kind).toBe('task');
    if (execution.kind !== 'task') return;
    const reference = execution.serializeReference();
    expect((await viaFirst.session.task(execution.handle.taskId).snapshot()).status).toBe('working');
    await execution.detach();
    await first.stop('SIGKILL');

    const second = await spawnSwitchboard('api', env);
    try {
      const viaSecond = await taskSession(server.accessUrl.replace(app.apiUrl, second.url));
      const resumed = await viaSecond.session.resumeTask(reference);
      const { outcome } = await resumed.settle();
      expect(outcome.status).toBe('completed');
      const result = resultFromTaskOutcome(outcome) as { structuredContent: unknown };
      expect(result.structuredContent).toMatchObject({ status: 200, result: { ok: true, channel: 'C1' } });
      expect(fake.requests.filter((request) => request.path.endsWith('chat.postMessage'))).toHaveLength(1);
      await viaSecond.close();
    } finally {
      await second.stop();
    }
  });

  it('cancels a running task', async () => {
    fake.fail({ delayMs: 20_000, times: 1 });
    const { session, close } = await taskSession(server.accessUrl);
    const execution = await session.callTool('execute_action', postMessage);
    expect(execution.kind).toBe('task');
    await execution.cancel();
    const { outcome } = await execution.settle();
    expect(outcome.status).toBe('cancelled');
    await close();
  });

  it('refuses task methods to a request that does not declare the extension, and unknown tasks', async () => {
    const undeclared = await post(server.accessUrl, { method: 'tasks/get', params: { taskId: 'nope', _meta: envelope({}) } });
    expect(undeclared.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { extensions: { [TASKS]: {} } } } });
    const unknown = await post(server.accessUrl, { method: 'tasks/get', params: { taskId: 'nope', _meta: envelope(capabilities) } });
    expect(unknown.error).toMatchObject({ code: -32602 });
  });
});

describe('MCP Tasks extension: a run waiting for the user to authorize is an input_required task', () => {
  let app: TestApp;
  let provider: OAuthServerHandle;
  let upstream: TokenCheckedApi;
  let serverUrl: string;
  const withUrlElicitation = { ...capabilities, elicitation: { url: {} } };
  const asUser = (userId: string) => ({ authorization: `Bearer ${app.apiKey}`, 'x-user-id': userId });
  const callAsUser = (userId: string) =>
    post(
      serverUrl,
      { method: 'tools/call', params: { name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'conversations_list' }, _meta: envelope(withUrlElicitation) } },
      asUser(userId),
    );
  const taskMethod = (userId: string, method: string, params: Record<string, unknown>) =>
    post(serverUrl, { method, params: { ...params, _meta: envelope(withUrlElicitation) } }, asUser(userId));

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ provider, upstream } = await startOAuthUpstream(app, 'tasks-extension-secret-0123456789ab'));
    await useOAuthUpstreamForSlack(app, { provider, upstream }, 'tasks-extension-secret-0123456789ab', { requestsPerSecond: 1000, burst: 100 });
    serverUrl = (await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'tasks input' })).body.url;
  });
  afterAll(async () => {
    await upstream?.close();
    await provider?.close();
    await app?.close();
  });

  it('surfaces the authorization link as the input request, then completes once the user authorized', async () => {
    const created = (await callAsUser('alice')).result;
    expect(created).toMatchObject({ resultType: 'task', status: 'input_required', taskId: expect.any(String) });
    const waiting = (await taskMethod('alice', 'tasks/get', { taskId: created.taskId })).result;
    expect(waiting).toMatchObject({ resultType: 'complete', status: 'input_required' });
    const [key, request] = Object.entries(waiting.inputRequests as Record<string, { method: string; params: { mode: string; url: string } }>)[0]!;
    expect(request).toMatchObject({ method: 'elicitation/create', params: { mode: 'url' } });
    expect(request.params.url.startsWith(provider.endpoints.authorization)).toBe(true);

    expect((await taskMethod('alice', 'tasks/update', { taskId: created.taskId, inputResponses: { [key]: { action: 'accept' } } })).result).toMatchObject({ resultType: 'complete' });
    expect((await taskMethod('alice', 'tasks/get', { taskId: created.taskId })).result).toMatchObject({ status: 'working', statusMessage: expect.stringContaining('authorization') });

    const landed = await fetch(await provider.authorize(request.params.url, { accountId: 'user-1' }), { redirect: 'manual' });
    expect(landed.status).toBe(200);
    await expect
      .poll(async () => (await taskMethod('alice', 'tasks/get', { taskId: created.taskId })).result.status, { timeout: 30_000, interval: 250 })
      .toBe('completed');
    const done = (await taskMethod('alice', 'tasks/get', { taskId: created.taskId })).result;
    expect(done.result).toMatchObject({ resultType: 'complete', structuredContent: { status: 200 } });
    expect(upstream.seen.length).toBeGreaterThan(0);
  });

  it('cancels the run when the user declines', async () => {
    const created = (await callAsUser('bob')).result;
    expect(created.status).toBe('input_required');
    const { inputRequests } = (await taskMethod('bob', 'tasks/get', { taskId: created.taskId })).result;
    await taskMethod('bob', 'tasks/update', { taskId: created.taskId, inputResponses: { [Object.keys(inputRequests)[0]!]: { action: 'decline' } } });
    await expect
      .poll(async () => (await taskMethod('bob', 'tasks/get', { taskId: created.taskId })).result.status, { timeout: 30_000, interval: 250 })
      .toBe('cancelled');
  });
});
