import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { connectToFakeSaas, startOAuthUpstream } from '../support/fixtures.js';
import { api, connectMcp, toolError } from '../support/mcp.js';
import type { OAuthServerHandle } from '../support/oauthServer.js';
import type { TokenCheckedApi } from '../support/tokenCheckedApi.js';

const CLIENT_SECRET = 'mcp-clients-secret-0123456789abcdef';

/**
 * What every agent does: tools/list first, then calls. The SDK client then checks each result
 * against the tool's outputSchema, so every error must still reach the agent as a readable error.
 */
describe('an official SDK client that listed the tools first', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let provider: OAuthServerHandle;
  let upstream: TokenCheckedApi;
  let client: Client;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startFakeSaas()]);
    ({ provider, upstream } = await startOAuthUpstream(app, CLIENT_SECRET));
    await connectToFakeSaas(app, fake, ['github']);
    const configured = await call('PUT', '/api/oauth-apps/slack', {
      clientId: 'switchboard',
      clientSecret: CLIENT_SECRET,
      scopes: ['channels:read'],
      redirectUris: ['https://client.example/done'],
      authorizationUrl: provider.endpoints.authorization,
      tokenUrl: provider.endpoints.token,
      issuer: provider.issuer,
    });
    expect(configured.status).toBe(200);
    expect((await call('PUT', '/api/connectors/slack/settings', { baseUrl: upstream.url })).status).toBe(200);
    client = await connectMcp((await call('POST', '/api/servers', { name: 'sdk clients' })).body.accessUrl);
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
