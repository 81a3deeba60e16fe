import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ElicitationCompleteNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCredentialById } from '../../src/db/repositories/oauth.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startOAuthUpstream, useOAuthUpstreamForSlack } from '../support/fixtures.js';
import { api, connectMcp, connectMcpWithUrlElicitation, toolError } from '../support/mcp.js';
import type { OAuthServerHandle } from '../support/oauthServer.js';
import type { TokenCheckedApi } from '../support/tokenCheckedApi.js';

const CLIENT_SECRET = 'elicitation-client-secret-0123456789';

describe('missing credential: URL elicitation', () => {
  let app: TestApp;
  let provider: OAuthServerHandle;
  let upstream: TokenCheckedApi;
  let accessUrl: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ provider, upstream } = await startOAuthUpstream(app, CLIENT_SECRET));
    await useOAuthUpstreamForSlack(app, { provider, upstream }, CLIENT_SECRET, { requestsPerSecond: 1000, burst: 100 });
    accessUrl = (await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'elicitation tests' })).body.accessUrl;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await upstream?.close();
    await provider?.close();
    await app?.close();
  });

  const conversationsList = { name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'conversations_list' } };

  it('gives a client without URL elicitation CREDENTIAL_NOT_FOUND with a fresh authorization URL', async () => {
    const plain = await connectMcp(accessUrl);
    clients.push(plain);
    const result = await plain.callTool(conversationsList);
    expect(result.isError).toBe(true);
    expect(toolError(result)).toMatchObject({
      code: 'CREDENTIAL_NOT_FOUND',
      details: { connectorId: 'slack', credentialId: expect.stringMatching(/^cred_/), authorizationUrl: expect.stringContaining(provider.endpoints.authorization) },
    });
    // A second call shares the open attempt rather than starting another.
    const again = await plain.callTool(conversationsList);
    expect(toolError(again)?.details.authorizationUrl).toBe(toolError(result)?.details.authorizationUrl);
  });

  it('elicits the authorization URL, waits for the OAuth callback, then runs the action', async () => {
    const { client, transport, elicitation } = await connectMcpWithUrlElicitation(accessUrl, 'elicitation-tests');
    clients.push(client);
    const completed: string[] = [];
    client.setNotificationHandler(ElicitationCompleteNotificationSchema, (notification) => {
      completed.push(notification.params.elicitationId);
    });
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);

    const pending = client.callTool(conversationsList, undefined, { timeout: 120_000 });
    const params = await elicitation;
    expect(params).toMatchObject({ mode: 'url', elicitationId: expect.any(String), message: expect.stringContaining('Slack') });
    expect(params.url.startsWith(provider.endpoints.authorization)).toBe(true);

    const callbackUrl = await provider.authorize(params.url, { accountId: 'user-1' });
    const landed = await fetch(callbackUrl, { redirect: 'manual' });
    expect(landed.status).toBe(200);

    const result = (await pending) as { isError?: boolean; structuredContent: any };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: 200, result: expect.anything(), credentialId: expect.stringMatching(/^cred_/) });
    const credential = await getCredentialById(app.database.db, result.structuredContent.credentialId);
    expect(credential?.status).toBe('active');
    expect(upstream.seen.length).toBeGreaterThan(0);
    expect(completed).toEqual([params.elicitationId]);
  });
});
