import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/secrets/secretBox.js';
import { rotateEncryptionKeys } from '../../src/secrets/rotation.js';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { api, connectMcp } from '../support/mcp.js';
import { MemoryOAuthClient, signInAs } from '../support/signinClient.js';

/**
 * Sign-in as MCP clients do it (the spec's authorization): the official SDK client with its
 * OAuthClientProvider meets a 401 naming our protected-resource metadata, discovers the
 * authorization server, registers itself (DCR), sends the person through sign-in (driven here
 * like a browser), and calls tools with the token, as the person who signed in.
 */
let app: TestApp;
let fake: FakeSaas;
let serverA: { serverId: string; url: string; accessUrl: string };
let serverB: { serverId: string; url: string };
const admin = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => api(app.apiUrl, app.apiKey, method, path, body, headers);

beforeAll(async () => {
  [app, fake] = await Promise.all([startTestApp({ env: { SIGNIN_DEV_LOGIN: 'true', RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
  expect((await admin('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url })).status).toBe(200);
  serverA = (await admin('POST', '/api/servers', { name: 'Sales agent', restrictions: { users: { mode: 'blocklist', ids: ['mallory'] } } })).body;
  serverB = (await admin('POST', '/api/servers', { name: 'Other agent' })).body;
  // alice's own Slack credential: the signed-in session must use it, not the owner's.
  const credential = await admin('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: fake.token } }, { 'x-user-id': 'alice' });
  expect(credential.status).toBe(201);
});

afterAll(async () => {
  await fake?.close();
  await app?.close();
});

async function signedInClient(serverUrl: string, userId: string) {
  const oauth = new MemoryOAuthClient();
  const first = new Client({ name: 'signin-tests', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: oauth });
  await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
  expect(oauth.authorizationUrl).toBeDefined();
  const { consentPage, redirect } = await signInAs(oauth.authorizationUrl!, userId);
  const code = redirect.searchParams.get('code');
  if (!code) return { oauth, consentPage, redirect };
  await transport.finishAuth(code);
  const client = new Client({ name: 'signin-tests', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: oauth }));
  return { oauth, consentPage, redirect, client };
}

const mcpPost = (serverUrl: string, token: string) =>
  fetch(serverUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });

describe('Switchboard as a protected resource', () => {
  it('answers /mcp/:serverId without credentials with 401 and the resource metadata URL', async () => {
    const response = await fetch(serverA.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(response.status).toBe(401);
    const metadataUrl = `${app.apiUrl}/.well-known/oauth-protected-resource/mcp/${serverA.serverId}`;
    expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${metadataUrl}", scope="mcp"`);

    const metadata = await (await fetch(metadataUrl)).json();
    expect(metadata).toEqual({
      resource: serverA.url,
      authorization_servers: [app.apiUrl],
      scopes_supported: ['mcp'],
      bearer_methods_supported: ['header'],
      resource_name: 'Sales agent',
    });
    expect((await fetch(`${app.apiUrl}/.well-known/oauth-protected-resource/mcp/srv_missing`)).status).toBe(404);

    const discovery = (await (await fetch(`${app.apiUrl}/.well-known/oauth-authorization-server`)).json()) as { grant_types_supported: string[] };
    expect(discovery).toMatchObject({
      issuer: app.apiUrl,
      code_challenge_methods_supported: ['S256'],
      registration_endpoint: `${app.apiUrl}/oauth2/register`,
      revocation_endpoint: `${app.apiUrl}/oauth2/revoke`,
      authorization_response_iss_parameter_supported: true,
    });
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
  });

  it('keeps the access URL and API-key paths working as before', async () => {
    const byToken = await connectMcp(serverA.accessUrl);
    expect((await byToken.listTools()).tools.length).toBeGreaterThan(3);
    await byToken.close();
    const byKey = await connectMcp(serverA.url, { authorization: `Bearer ${app.apiKey}` });
    expect((await byKey.listTools()).tools.length).toBeGreaterThan(3);
    await byKey.close();
  });
});

describe('sign-in with the SDK client', () => {
  let oauth: MemoryOAuthClient;
  let client: Client;

  it('connects with no token, signs in, lists tools and calls one as the signed-in user', async () => {
    const outcome = await signedInClient(serverA.url, 'alice');
    oauth = outcome.oauth;
    client = outcome.client!;
    expect(outcome.consentPage).toContain('Sign in to Sales agent');
    expect(outcome.consentPage).toContain('Test MCP client');
    expect(outcome.redirect.searchParams.get('iss')).toBe(app.apiUrl);
    expect(oauth.info?.client_id).toBeTruthy();
    expect(oauth.saved).toMatchObject({ token_type: expect.stringMatching(/bearer/i), refresh_token: expect.any(String) });

    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('execute_action');
    const called = await client.callTool({ name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'from alice' } } });
    expect(called.isError).toBeFalsy();
    const credentials = await client.callTool({ name: 'get_credentials', arguments: {} });
    expect(JSON.stringify(credentials.structuredContent)).toContain('slack');

    const runs = await admin('GET', '/api/runs?userId=alice');
    expect(runs.body.runs.some((run: { userId?: string; serverId?: string }) => run.userId === 'alice' && run.serverId === serverA.serverId)).toBe(true);
    const audit = (await admin('GET', '/api/audit?actor=alice')).body.entries as Array<{ action: string; actor: { via: string } }>;
    expect(audit.map((entry) => `${entry.action} ${entry.actor.via}`)).toEqual(expect.arrayContaining(['sign-in signIn', 'credential.use signIn']));
  });

  it('refuses a token for server A on server B (audience)', async () => {
    const response = await mcpPost(serverB.url, oauth.saved!.access_token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(response.headers.get('www-authenticate')).toContain(`/.well-known/oauth-protected-resource/mcp/${serverB.serverId}`);
    expect((await mcpPost(serverA.url, oauth.saved!.access_token)).status).toBe(200);
  });

  it('refreshes with rotation: the new token works, the old refresh token is refused', async () => {
    const metadata = (await (await fetch(`${app.apiUrl}/.well-known/oauth-authorization-server`)).json()) as AuthorizationServerMetadata;
    const old = oauth.saved!;
    const refreshed = await refreshAuthorization(app.apiUrl, { metadata, clientInformation: oauth.info!, refreshToken: old.refresh_token!, resource: new URL(serverA.url) });
    expect(refreshed.access_token).not.toBe(old.access_token);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(old.refresh_token);
    expect((await mcpPost(serverA.url, refreshed.access_token)).status).toBe(200);
    // Replaying a rotated refresh token is taken as theft: the whole grant goes.
    await expect(refreshAuthorization(app.apiUrl, { metadata, clientInformation: oauth.info!, refreshToken: old.refresh_token!, resource: new URL(serverA.url) })).rejects.toThrow();
    expect((await mcpPost(serverA.url, refreshed.access_token)).status).toBe(401);
    await client.close();
  });

  it('cuts access at once when the token is revoked', async () => {
    ({ oauth, client } = (await signedInClient(serverA.url, 'alice')) as { oauth: MemoryOAuthClient; client: Client });
    expect((await client.listTools()).tools.length).toBeGreaterThan(3);
    const token = oauth.saved!.access_token;
    expect((await mcpPost(serverA.url, token)).status).toBe(200);
    const revoked = await fetch(`${app.apiUrl}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: oauth.info!.client_id }).toString(),
    });
    expect(revoked.status).toBe(200);
    expect((await mcpPost(serverA.url, token)).status).toBe(401);
    await expect(client.listTools()).rejects.toThrow();
    await client.close();
  });

  it("refuses sign-in to a user the server's restrictions exclude", async () => {
    const { redirect, client: none } = await signedInClient(serverA.url, 'mallory');
    expect(none).toBeUndefined();
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    const audit = (await admin('GET', '/api/audit?actor=mallory&action=sign-in')).body.entries;
    expect(audit).toMatchObject([{ status: 403, target: { serverId: serverA.serverId } }]);
  });
});

describe('key rotation', () => {
  // Last: the running app keeps the old key only, so nothing may sign in after this.
  it('re-seals the sign-in state and keys under the new key', async () => {
    const newKey = randomBytes(32).toString('base64');
    const counts = await rotateEncryptionKeys(app.database.db, new SecretBox(newKey, [TEST_ENCRYPTION_KEY]));
    expect(counts['signin_store.payload_sealed']).toBeGreaterThan(3);
    expect(counts['signin_keys.keys_sealed']).toBe(1);
    const onlyNew = new SecretBox(newKey, []);
    const rows = await app.database.db.selectFrom('signin_store').select(['model', 'id_hash', 'payload_sealed']).execute();
    for (const row of rows) expect(() => onlyNew.open(row.payload_sealed, `signin:${row.model}:${row.id_hash}`)).not.toThrow();
    const keys = await app.database.db.selectFrom('signin_keys').select('keys_sealed').executeTakeFirstOrThrow();
    expect(JSON.parse(onlyNew.open(keys.keys_sealed, 'signin:keys'))).toHaveProperty('signingKey');
  });
});
