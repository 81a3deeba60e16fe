import { LOG_LEVEL_META_KEY, type Client as ClientV2 } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { connectToFakeSaas, startOAuthUpstream, useOAuthUpstreamForSlack } from '../support/fixtures.js';
import { api, connectMcp, connectMcpV2, toolError } from '../support/mcp.js';
import type { OAuthServerHandle } from '../support/oauthServer.js';
import type { TokenCheckedApi } from '../support/tokenCheckedApi.js';

const CLIENT_SECRET = 'mcp-clients-secret-0123456789abcdef';

/** The interface both SDKs' clients share, as these tests use it. */
interface AnyClient {
  listTools(): Promise<{ tools: Array<{ name: string; outputSchema?: unknown }> }>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<{ isError?: boolean; content?: unknown; structuredContent?: unknown }>;
  close(): Promise<void>;
}

/**
 * What every agent does: tools/list first, then calls. The SDK clients then check each result
 * against the tool's outputSchema, so every error must still reach the agent as a readable error:
 * SDK v1 on 2025-11-25, SDK v2 on 2026-07-28, on the same URL.
 */
describe.each([
  ['SDK v1 on 2025-11-25', 'v1'],
  ['SDK v2 on 2026-07-28', 'v2'],
] as const)('an official %s client that listed the tools first', (_name, sdk) => {
  let app: TestApp;
  let fake: FakeSaas;
  let provider: OAuthServerHandle;
  let upstream: TokenCheckedApi;
  let accessUrl: string;
  let client: AnyClient;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startFakeSaas()]);
    ({ provider, upstream } = await startOAuthUpstream(app, CLIENT_SECRET));
    await connectToFakeSaas(app, fake, ['github']);
    await useOAuthUpstreamForSlack(app, { provider, upstream }, CLIENT_SECRET);
    accessUrl = (await call('POST', '/api/servers', { name: 'sdk clients' })).body.accessUrl;
    if (sdk === 'v1') {
      client = (await connectMcp(accessUrl)) as unknown as AnyClient;
    } else {
      const v2 = await connectMcpV2(accessUrl);
      expect(v2.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      client = v2 as unknown as AnyClient;
    }
    const { tools } = await client.listTools();
    expect(tools.filter((tool) => tool.outputSchema).map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['get_connector_resources', 'get_action_details', 'execute_action']),
    );
  });

  afterAll(async () => {
    await client?.close();
    await Promise.all([fake?.close(), upstream?.close(), provider?.close()]);
    await app?.close();
  });

  const failures: Array<[string, Record<string, unknown>, string]> = [
    ['list_connectors', { category: 'astrology' }, 'INVALID_REQUEST'],
    ['get_connector_resources', { connectorId: 'no-such-platform' }, 'CONNECTOR_NOT_FOUND'],
    ['get_action_details', { connectorId: 'slack', actionId: 'no_such_action' }, 'ACTION_NOT_FOUND'],
    ['get_action_details', { connectorId: 'slack' }, 'INVALID_REQUEST'],
    ['execute_action', { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { text: 5 } }, 'INVALID_REQUEST'],
    ['discover_action_path', { connectorId: 'no-such-platform', goal: 'say hi' }, 'CONNECTOR_NOT_FOUND'],
    ['execute_plan', { plan: { connectorId: 'slack', steps: [] } }, 'INVALID_REQUEST'],
    ['get_credential_metadata', { connectorId: 'no-such-platform' }, 'CONNECTOR_NOT_FOUND'],
    ['create_credential', { connectorId: 'slack', authenticationType: 'oauth2', redirectUri: 'https://evil.example/x' }, 'INVALID_REQUEST'],
    ['get_credentials', { connectorId: '' }, 'INVALID_REQUEST'],
    ['no_such_tool', {}, 'NOT_FOUND'],
  ];

  it.each(failures)('%s with %j fails readably with %s', async (name, args, code) => {
    const result = await client.callTool({ name, arguments: args });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(toolError(result)).toMatchObject({ code, message: expect.any(String) });
  });

  it('shows CREDENTIAL_NOT_FOUND with the authorization link when the user has not connected the platform', async () => {
    const result = await client.callTool({ name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'conversations_list' } });
    expect(result.isError).toBe(true);
    expect(toolError(result)).toMatchObject({
      code: 'CREDENTIAL_NOT_FOUND',
      details: { connectorId: 'slack', authorizationUrl: expect.stringContaining(provider.endpoints.authorization) },
    });
  });

  it("shows the platform's own failure as UPSTREAM_ERROR", async () => {
    fake.fail({ status: 422, body: { message: 'Validation Failed' }, times: 1 });
    const result = await client.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'github', actionId: 'issues_create', parameters: { owner: 'o', repo: 'r', title: 't' } },
    });
    expect(toolError(result)).toMatchObject({ code: 'UPSTREAM_ERROR', details: { status: 422 } });
  });

  it('keeps serving a 2025-06-18 client on the same URL', async () => {
    const response = await fetch(accessUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'old', version: '1' } },
      }),
    });
    const text = await response.text();
    const answer = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? text) as { result: { protocolVersion: string; capabilities: object } };
    expect(answer.result.protocolVersion).toBe('2025-06-18');
    expect(answer.result.capabilities).toMatchObject({ tools: {}, logging: {} });
  });

  it.runIf(sdk === 'v2')('sends log messages from the run at the level a 2026-07-28 request names in _meta', async () => {
    const v2 = client as unknown as ClientV2;
    const messages: Array<{ level: string; data: unknown }> = [];
    v2.setNotificationHandler('notifications/message', (notification) => {
      messages.push(notification.params as { level: string; data: unknown });
    });
    const created = await v2.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'github', actionId: 'issues_create', parameters: { owner: 'o', repo: 'r', title: 'logged' } },
      _meta: { [LOG_LEVEL_META_KEY]: 'info' },
    });
    const { workflowId } = created.structuredContent as { workflowId: string };
    expect(messages).toContainEqual({ level: 'info', logger: 'switchboard', data: { workflowId, message: 'The run finished' } });
  });

  it('validates successful results against the output schemas it listed', async () => {
    const listed = await client.callTool({ name: 'list_connectors', arguments: {} });
    expect(listed.structuredContent).toMatchObject({ count: expect.any(Number) });
    const resources = await client.callTool({ name: 'get_connector_resources', arguments: { connectorId: 'github' } });
    expect(resources.structuredContent).toMatchObject({ connectorId: 'github' });
    const details = await client.callTool({ name: 'get_action_details', arguments: { connectorId: 'github', actionId: 'issues_create' } });
    expect(details.structuredContent).toMatchObject({ actionId: 'issues_create' });
    const created = await client.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'github', actionId: 'issues_create', parameters: { owner: 'o', repo: 'r', title: 't' } },
    });
    expect(created.isError, JSON.stringify(created.content)).toBeFalsy();
    expect(created.structuredContent).toMatchObject({ status: expect.any(Number), workflowId: expect.any(String) });
    const credentials = await client.callTool({ name: 'get_credentials', arguments: {} });
    expect(credentials.structuredContent).toMatchObject({ count: expect.any(Number) });
  });
});

/** 2026-07-28 has no server-to-client requests: URL elicitation is an input_required answer the client retries. */
describe('URL elicitation on 2026-07-28 (SDK v2 client)', () => {
  let app: TestApp;
  let provider: OAuthServerHandle;
  let upstream: TokenCheckedApi;
  let accessUrl: string;
  const clients: ClientV2[] = [];

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ provider, upstream } = await startOAuthUpstream(app, CLIENT_SECRET));
    await useOAuthUpstreamForSlack(app, { provider, upstream }, CLIENT_SECRET, { requestsPerSecond: 1000, burst: 100 });
    accessUrl = (await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'modern elicitation' })).body.accessUrl;
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all([upstream?.close(), provider?.close()]);
    await app?.close();
  });

  const conversationsList = { name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'conversations_list' } };

  it('gives a client without URL elicitation CREDENTIAL_NOT_FOUND with the link, as on 2025-11-25', async () => {
    const plain = await connectMcpV2(accessUrl);
    clients.push(plain);
    const result = await plain.callTool(conversationsList);
    expect(toolError(result)).toMatchObject({
      code: 'CREDENTIAL_NOT_FOUND',
      details: { authorizationUrl: expect.stringContaining(provider.endpoints.authorization) },
    });
  });

  it('asks for the link as input; the retry with the answer starts the run, which waits for the callback', async () => {
    const elicited: Array<{ mode?: string; url?: string; message: string }> = [];
    const client = await connectMcpV2(accessUrl, {
      capabilities: { elicitation: { url: {} } },
      configure: (unconnected) =>
        unconnected.setRequestHandler('elicitation/create', async (request) => {
          const params = request.params as { mode?: string; url?: string; message: string };
          elicited.push(params);
          // The user opens the link and approves while the retried call's run waits for them.
          setTimeout(() => {
            void provider
              .authorize(params.url!, { accountId: 'user-1' })
              .then((callback) => fetch(callback, { redirect: 'manual' }))
              .then((landed) => landed.body?.cancel());
          }, 500);
          return { action: 'accept' };
        }),
    });
    clients.push(client);

    const result = await client.callTool(conversationsList, { timeout: 60_000 });
    expect(elicited).toEqual([{ mode: 'url', url: expect.stringContaining(provider.endpoints.authorization), message: expect.stringContaining('Slack') }]);
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: 200, credentialId: expect.stringMatching(/^cred_/) });
    // One run, one upstream call: the first round started nothing.
    expect(upstream.seen).toHaveLength(1);
  });
});
