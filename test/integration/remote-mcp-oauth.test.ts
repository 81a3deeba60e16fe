import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCredentialById } from '../../src/db/repositories/oauth.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp, connectMcpWithUrlElicitation, toolError } from '../support/mcp.js';
import { MCP_SCOPE, startProtectedMcpServer, type ProtectedMcpServer } from '../support/protectedMcpServer.js';
import { startHangingServer, startRemoteMcpServer } from '../support/remoteMcpServer.js';

/**
 * Remote MCP servers behind OAuth, end to end: a real SDK MCP server that answers 401 with its
 * resource metadata, an oidc-provider authorization server, and Switchboard discovering,
 * registering (Client ID Metadata Document, then Dynamic Client Registration), signing the user in
 * through the oauthHandshake workflow and calling tools with the user's token.
 */

const structured = (result: unknown) => (result as { structuredContent?: any }).structuredContent;
/** Payloads serialise as base64 `data`; decoded, so a secret in any of them would show up in the text. */
function historyText(history: unknown): string {
  const decoded = JSON.parse(JSON.stringify(history), (key, value: unknown) =>
    key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
  ) as unknown;
  return JSON.stringify(decoded);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setUp(registration: 'cimd' | 'dcr', env: Record<string, string> = {}) {
  const remote = await startProtectedMcpServer({ registration, accessTokenTtlSeconds: 4 });
  const app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000', OAUTH_MCP_URLS: `gmail=${remote.url}`, ...env } });
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  const server = await call('POST', '/api/servers', { name: `oauth ${registration}` });
  return { remote, app, call, serverId: server.body.serverId as string, accessUrl: server.body.accessUrl as string };
}

/** What the user does with the link: signs in at the authorization server, and the browser lands on our callback. */
async function signIn(remote: ProtectedMcpServer, authorizationUrl: string, accountId: string) {
  const callback = await remote.authorize(authorizationUrl, { accountId });
  const landed = await fetch(callback, { redirect: 'manual' });
  expect(landed.status).toBe(200);
}

describe('remote MCP connector with OAuth (Client ID Metadata Document)', () => {
  let remote: ProtectedMcpServer;
  let app: TestApp;
  let call: Awaited<ReturnType<typeof setUp>>['call'];
  let serverId: string;
  let accessUrl: string;
  let agent: Client;
  let hanging: Awaited<ReturnType<typeof startHangingServer>>;

  beforeAll(async () => {
    hanging = await startHangingServer();
    ({ remote, app, call, serverId, accessUrl } = await setUp('cimd', {
      OAUTH_MCP_URLS: `google-drive=${hanging.url}`,
      REMOTE_MCP_PROBE_TIMEOUT_MS: '300',
    }));
    agent = await connectMcp(accessUrl);
  });
  afterAll(async () => {
    await agent?.close();
    await app?.close();
    await Promise.all([remote?.close(), hanging?.close()]);
  });

  it('serves its client metadata document at a stable public URL', async () => {
    const response = await fetch(`${app.apiUrl}/oauth/client-metadata.json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      client_id: `${app.apiUrl}/oauth/client-metadata.json`,
      redirect_uris: [`${app.apiUrl}/oauth/callback`],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    });
  });

  it('shows "Sign-in required" with a link, signs the user in through discovery and CIMD, then "Connected · 3 tools"', async () => {
    const created = await call('POST', '/api/mcp-connectors', { name: 'Tracker', type: 'oauth', url: remote.url });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'oauth', connectorId: 'mcp-tracker' });
    expect((await call('POST', `/api/servers/${serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);

    const before = await call('POST', '/api/mcp-connectors/test', { connectorId: 'mcp-tracker' });
    expect(before.body).toMatchObject({ ok: false, message: 'Sign-in required', needsConnection: true, connectorId: 'mcp-tracker' });
    const link = new URL(before.body.authorizationUrl);
    expect(link.origin).toBe(remote.issuer);
    expect(Object.fromEntries(link.searchParams)).toMatchObject({
      client_id: `${app.apiUrl}/oauth/client-metadata.json`,
      resource: remote.url,
      // The challenge's scope, and offline_access since the authorization server lists it (SEP-2207).
      scope: `${MCP_SCOPE} offline_access`,
      code_challenge_method: 'S256',
      redirect_uri: `${app.apiUrl}/oauth/callback`,
    });

    const listed = structured(await agent.callTool({ name: 'list_connectors', arguments: {} }));
    expect(listed.connectors).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'mcp-tracker', needsConnection: true })]));

    await signIn(remote, before.body.authorizationUrl, 'alice');
    // The authorization server learned who we are from our document (it fetches it on each client lookup).
    expect(new Set(remote.fetchedClientMetadata)).toEqual(new Set([`${app.apiUrl}/oauth/client-metadata.json`]));
    expect(remote.tokenRequests).toEqual([{ grantType: 'authorization_code', resource: remote.url }]);
    const credential = await getCredentialById(app.database.db, before.body.credentialId);
    expect(credential).toMatchObject({ status: 'active', connector_id: 'mcp-tracker' });
    // Sealed at rest: the row holds no token in clear.
    expect(credential!.secrets_encrypted).not.toContain(remote.acceptedTokens[0] ?? 'no token yet');

    const after = await call('POST', '/api/mcp-connectors/test', { connectorId: 'mcp-tracker' });
    expect(after.body).toMatchObject({ ok: true, message: 'Connected · 3 tools' });
    expect(JSON.stringify(credential)).not.toContain(remote.acceptedTokens.at(-1));
  });

  it('calls a tool as the user: the remote server sees their token', async () => {
    const result = await agent.callTool({ name: 'execute_action', arguments: { connectorId: 'mcp-tracker', actionId: 'whoami', parameters: {} } });
    expect(result.isError).toBeFalsy();
    expect(structured(result)).toMatchObject({ status: 200, result: { user: 'alice' }, credentialId: expect.stringMatching(/^cred_/) });
    // The token stays inside the activity: never in the run's history.
    const token = remote.acceptedTokens.at(-1)!;
    const history = await app.temporal.client.workflow.getHandle(structured(result).workflowId).fetchHistory();
    expect(historyText(history)).not.toContain(token);
  });

  it('keeps its connector id when renamed, so the users who signed in keep their credentials', async () => {
    const renamed = await call('PUT', '/api/mcp-connectors/mcp-tracker', { name: 'Tracker (renamed)' });
    try {
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'Tracker (renamed)', connectorId: 'mcp-tracker' });
      const result = await agent.callTool({ name: 'execute_action', arguments: { connectorId: 'mcp-tracker', actionId: 'whoami', parameters: {} } });
      expect(structured(result)).toMatchObject({ status: 200, result: { user: 'alice' } });
    } finally {
      await call('PUT', '/api/mcp-connectors/mcp-tracker', { name: 'Tracker' });
    }
  });

  it('refreshes the expired token through the refresher, naming the resource, and carries on', async () => {
    remote.setAccessTokenTtl(3600);
    const used = remote.acceptedTokens.at(-1);
    await sleep(4500);
    const result = await agent.callTool({ name: 'execute_action', arguments: { connectorId: 'mcp-tracker', actionId: 'echo', parameters: { text: 'hi' } } });
    expect(result.isError).toBeFalsy();
    expect(structured(result).result).toBe('alice: hi');
    expect(remote.tokenRequests.filter((request) => request.grantType === 'refresh_token')).toEqual(
      expect.arrayContaining([{ grantType: 'refresh_token', resource: remote.url }]),
    );
    expect(remote.acceptedTokens.at(-1)).not.toBe(used);
  });

  it('after the user revokes the grant at the provider, the next call answers with a re-auth link', async () => {
    expect(await remote.revokeAllFor('alice')).toBeGreaterThan(0);
    const result = await agent.callTool({ name: 'execute_action', arguments: { connectorId: 'mcp-tracker', actionId: 'whoami', parameters: {} } });
    expect(toolError(result)).toMatchObject({
      code: 'CREDENTIAL_NOT_FOUND',
      details: { connectorId: 'mcp-tracker', status: 'needs_reauth', authorizationUrl: expect.stringContaining(remote.issuer) },
    });
    const relink = toolError(result)!.details.authorizationUrl as string;
    await signIn(remote, relink, 'alice');
    const again = await agent.callTool({ name: 'execute_action', arguments: { connectorId: 'mcp-tracker', actionId: 'whoami', parameters: {} } });
    expect(structured(again)).toMatchObject({ result: { user: 'alice' } });
  });

  it('a call without a credential elicits the sign-in URL, like catalogue OAuth connectors, and completes', async () => {
    const credentials = await call('GET', '/api/credentials?connectorId=mcp-tracker');
    for (const credential of credentials.body.credentials.filter((c: { status: string }) => c.status === 'active')) {
      expect((await call('DELETE', `/api/credentials/${credential.credentialId}`)).status).toBe(200);
    }
    const { client, elicitation } = await connectMcpWithUrlElicitation(accessUrl, 'elicitation');
    try {
      const pending = client.callTool({ name: 'execute_action', arguments: { connectorId: 'mcp-tracker', actionId: 'whoami', parameters: {} } }, undefined, { timeout: 60_000 });
      const params = await elicitation;
      expect(params).toMatchObject({ mode: 'url', message: expect.stringContaining('Tracker') });
      expect(params.url.startsWith(remote.issuer)).toBe(true);
      await signIn(remote, params.url, 'bob');
      expect(structured(await pending)).toMatchObject({ result: { user: 'bob' } });
    } finally {
      await client.close();
    }
  });

  it('reports a server that does not ask for OAuth when the sign-in would start', async () => {
    const open = await startRemoteMcpServer();
    try {
      expect((await call('POST', '/api/mcp-connectors', { name: 'Open', type: 'oauth', url: open.url })).status).toBe(201);
      const tested = await call('POST', '/api/mcp-connectors/test', { connectorId: 'mcp-open' });
      expect(tested.body).toMatchObject({ ok: false, needsConnection: true, error: expect.stringContaining('answered HTTP 200 without a token: it does not ask for OAuth') });
    } finally {
      await open.close();
    }
  });

  it('a predefined entry whose remote server does not answer keeps the catalogue fallback', async () => {
    // OAUTH_MCP_URLS points google-drive at a server that never answers: the probe gives up after REMOTE_MCP_PROBE_TIMEOUT_MS.
    expect((await call('POST', '/api/mcp-connectors', { name: 'My Drive', type: 'oauth', oauthMcp: 'google-drive' })).status).toBe(201);
    expect((await call('POST', `/api/servers/${serverId}/connectors`, { mcpConnectorId: 'mcp-my-drive' })).status).toBe(200);
    const drive = await call('POST', '/api/mcp-connectors/test', { connectorId: 'mcp-my-drive' });
    expect(drive.body).toMatchObject({ ok: false, needsConnection: true, connectorId: 'google-drive' });
    const ids = (structured(await agent.callTool({ name: 'list_connectors', arguments: {} })).connectors as Array<{ id: string }>).map((c) => c.id);
    expect(ids).toContain('google-drive');
    expect(ids).not.toContain('mcp-my-drive');
  });
});

describe('predefined entry reachable: the Gmail entry uses the remote OAuth path', () => {
  let remote: ProtectedMcpServer;
  let app: TestApp;
  let call: Awaited<ReturnType<typeof setUp>>['call'];
  let serverId: string;
  let accessUrl: string;

  beforeAll(async () => {
    ({ remote, app, call, serverId, accessUrl } = await setUp('dcr'));
  });
  afterAll(async () => {
    await app?.close();
    await remote?.close();
  });

  it('registers by DCR (no CIMD offered), signs in, and lists the remote tools instead of the catalogue actions', async () => {
    expect((await call('POST', '/api/mcp-connectors', { name: 'Gmail', type: 'oauth', oauthMcp: 'gmail' })).status).toBe(201);
    expect((await call('POST', `/api/servers/${serverId}/connectors`, { mcpConnectorId: 'mcp-gmail' })).status).toBe(200);
    const before = await call('POST', '/api/mcp-connectors/test', { connectorId: 'mcp-gmail' });
    expect(before.body).toMatchObject({ ok: false, message: 'Sign-in required', connectorId: 'mcp-gmail' });
    expect(remote.registeredClients).toHaveLength(1);
    expect(remote.registeredClients[0]).toMatchObject({ redirect_uris: [`${app.apiUrl}/oauth/callback`], token_endpoint_auth_method: 'none' });
    expect(new URL(before.body.authorizationUrl).searchParams.get('client_id')).toBe(remote.registeredClients[0]!.client_id);

    const agent = await connectMcp(accessUrl);
    try {
      // Nobody has listed its tools yet: a call is answered with the same sign-in link.
      const early = await agent.callTool({ name: 'execute_action', arguments: { connectorId: 'mcp-gmail', actionId: 'whoami', parameters: {} } });
      expect(toolError(early)).toMatchObject({ code: 'CREDENTIAL_NOT_FOUND', details: { connectorId: 'mcp-gmail', authorizationUrl: before.body.authorizationUrl } });

      await signIn(remote, before.body.authorizationUrl, 'carol');
      expect((await call('POST', '/api/mcp-connectors/test', { connectorId: 'mcp-gmail' })).body).toMatchObject({ ok: true, message: 'Connected · 3 tools' });

      const ids = (structured(await agent.callTool({ name: 'list_connectors', arguments: {} })).connectors as Array<{ id: string }>).map((c) => c.id);
      expect(ids).toEqual(['mcp-gmail']);
      const result = await agent.callTool({ name: 'execute_action', arguments: { connectorId: 'mcp-gmail', actionId: 'whoami', parameters: {} } });
      expect(structured(result)).toMatchObject({ result: { user: 'carol' } });
    } finally {
      await agent.close();
    }
  });
});
