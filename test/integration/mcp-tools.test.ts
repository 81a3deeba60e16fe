import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { connectToFakeSaas } from '../support/fixtures.js';
import { api, connectMcp, toolError } from '../support/mcp.js';

/** The whole path: MCP client → Koa → Temporal workflow → activity → fake Slack/GitHub on 127.0.0.1. */
describe('execute_action and discover_action_path through the MCP endpoint', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let client: Client;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } }), startFakeSaas()]);
    await connectToFakeSaas(app, fake, ['slack', 'github']);
    const server = await call('POST', '/api/servers', {
      name: 'tools',
      restrictions: { actions: { mode: 'blocklist', ids: ['github:issues_create'] } },
    });
    client = await connectMcp(server.body.accessUrl);
  });
  afterAll(async () => {
    await client?.close();
    await fake?.close();
    await app?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.channelCount = 10;
  });

  it('posts a Slack message and returns the platform response with the run id', async () => {
    const result = await client.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'hi' } },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      status: 200,
      result: { ok: true, channel: 'C1' },
      workflowId: expect.stringMatching(/^execute-action\/tools-[0-9a-f]{8}\//),
    });
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${fake.token}`);
  });

  it('lists every missing or wrong parameter before anything runs', async () => {
    const result = await client.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { text: 5 } },
    });
    expect(result.isError).toBe(true);
    const error = toolError(result)!;
    expect(error.code).toBe('INVALID_REQUEST');
    expect(JSON.stringify(error.details)).toContain('channel');
    expect(fake.requests).toHaveLength(0);
  });

  it('maps an upstream 400 to UPSTREAM_ERROR with its status, and refuses blocked actions', async () => {
    fake.fail({ status: 400, body: { ok: false, error: 'invalid_blocks' }, times: 1 });
    const failed = await client.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'x' } },
    });
    expect(toolError(failed)).toMatchObject({ code: 'UPSTREAM_ERROR', details: { status: 400 } });

    const blocked = await client.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'github', actionId: 'issues_create', parameters: { owner: 'o', repo: 'r', title: 't' } },
    });
    expect(toolError(blocked)?.code).toBe('FORBIDDEN');
    expect(fake.requests.filter((request) => request.path.includes('/issues'))).toHaveLength(0);
  });

  it('shapes a 300-channel list into guidance', async () => {
    fake.channelCount = 300;
    const result = await client.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'slack', actionId: 'conversations_list', parameters: { limit: 1000 } },
    });
    expect((result.structuredContent as any).result).toMatchObject({ needsRefinement: true });
  });

  it('plans "send a message to #general" into two explained steps', async () => {
    const result = await client.callTool({
      name: 'discover_action_path',
      arguments: { connectorId: 'slack', goal: 'send a message to #general saying "hello"' },
    });
    expect(result.structuredContent).toMatchObject({
      status: 'planned',
      plan: { steps: [{ actionId: 'conversations_list' }, { actionId: 'chat_postMessage' }] },
    });
  });
});
