import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startOAuthUpstream, useOAuthUpstreamForSlack } from '../support/fixtures.js';
import { api, connectMcp, connectMcpWithUrlElicitation, toolError } from '../support/mcp.js';
import type { OAuthServerHandle } from '../support/oauthServer.js';
import type { TokenCheckedApi } from '../support/tokenCheckedApi.js';

const CLIENT_SECRET = 'tools-mode-elicitation-secret-0123456789';

/** A tools-mode tool is execute_action's run: a missing credential is elicited and waited for the same way. */
describe('tools mode: missing credential', () => {
  let app: TestApp;
  let provider: OAuthServerHandle;
  let upstream: TokenCheckedApi;
  let accessUrl: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ provider, upstream } = await startOAuthUpstream(app, CLIENT_SECRET));
    await useOAuthUpstreamForSlack(app, { provider, upstream }, CLIENT_SECRET, { requestsPerSecond: 1000, burst: 100 });
    const server = await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', {
      name: 'tools elicitation',
      mode: 'tools',
      restrictions: { connectors: { mode: 'allowlist', allowedIds: ['slack'] }, actions: { mode: 'allowlist', allowedActions: ['slack:conversations_list'] } },
    });
    accessUrl = server.body.accessUrl;
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await upstream?.close();
    await provider?.close();
    await app?.close();
  });

  it('lists only the allowed action, and answers a client without URL elicitation CREDENTIAL_NOT_FOUND with the link', async () => {
    const plain = await connectMcp(accessUrl);
    clients.push(plain);
    expect((await plain.listTools()).tools.map((tool) => tool.name)).toEqual(['slack_conversations_list']);
    const result = await plain.callTool({ name: 'slack_conversations_list', arguments: {} });
    expect(toolError(result)).toMatchObject({ code: 'CREDENTIAL_NOT_FOUND', details: { authorizationUrl: expect.stringContaining(provider.endpoints.authorization) } });
  });

  it('elicits the authorization URL, waits durably for the OAuth callback, then runs the action', async () => {
    const { client, elicitation } = await connectMcpWithUrlElicitation(accessUrl, 'tools-mode-elicitation');
    clients.push(client);

    const pending = client.callTool({ name: 'slack_conversations_list', arguments: {} }, undefined, { timeout: 120_000 });
    const params = await elicitation;
    expect(params.url.startsWith(provider.endpoints.authorization)).toBe(true);
    const landed = await fetch(await provider.authorize(params.url, { accountId: 'user-1' }), { redirect: 'manual' });
    expect(landed.status).toBe(200);

    const result = (await pending) as { isError?: boolean; structuredContent: any };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: 200, workflowId: expect.stringMatching(/^execute-action\//), credentialId: expect.stringMatching(/^cred_/) });
    expect(upstream.seen.length).toBeGreaterThan(0);
  });
});
