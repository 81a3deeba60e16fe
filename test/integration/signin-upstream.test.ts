import { createServer } from 'node:net';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { api } from '../support/mcp.js';
import { startOAuthServer, type OAuthServerHandle } from '../support/oauthServer.js';
import { MemoryOAuthClient, signInAs } from '../support/signinClient.js';

/**
 * Sign-in delegated to an OpenID Connect provider (oidc-provider on 127.0.0.1, as Google or
 * Okta would be): the SDK client is sent to Switchboard's page, which sends the person to the
 * provider; the ID token's subject becomes the user the MCP session acts as.
 */
let app: TestApp;
let idp: OAuthServerHandle;
let server: { serverId: string; url: string };

/** Switchboard's callback must be registered at the provider before Switchboard starts. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  idp = await startOAuthServer({
    clients: [{ client_id: 'switchboard', client_secret: 'idp-secret-value', redirect_uris: [`http://127.0.0.1:${port}/oauth2/interaction/callback`] }],
  });
  app = await startTestApp({
    env: {
      PORT: String(port),
      SIGNIN_OIDC_ISSUER: idp.issuer,
      SIGNIN_OIDC_CLIENT_ID: 'switchboard',
      SIGNIN_OIDC_CLIENT_SECRET: 'idp-secret-value',
      SIGNIN_DEV_LOGIN: 'false',
    },
  });
  server = (await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'Support agent', restrictions: { users: { mode: 'allowlist', ids: ['carol'] } } })).body;
});

afterAll(async () => {
  await app?.close();
  await idp?.close();
});

async function signInThroughProvider(accountId: string) {
  const oauth = new MemoryOAuthClient();
  const transport = new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth });
  await expect(new Client({ name: 't', version: '1' }).connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
  const outcome = await signInAs(oauth.authorizationUrl!, accountId, { origin: idp.issuer, login: async (url) => idp.authorize(url.href, { accountId }) });
  return { oauth, transport, ...outcome };
}

describe('sign-in through an OpenID Connect provider', () => {
  it('signs the person in at the provider and acts as its subject', async () => {
    const { oauth, transport, consentPage, redirect } = await signInThroughProvider('carol');
    expect(consentPage).toContain('Sign in to Support agent');
    expect(consentPage).not.toContain('Development sign-in');
    const code = redirect.searchParams.get('code');
    expect(code, redirect.href).toBeTruthy();
    await transport.finishAuth(code!);
    const client = new Client({ name: 't', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth }));
    expect((await client.listTools()).tools.length).toBeGreaterThan(3);
    await client.close();
    const audit = (await api(app.apiUrl, app.apiKey, 'GET', '/api/audit?action=sign-in')).body.entries;
    expect(audit[0]).toMatchObject({ actor: { userId: 'carol', via: 'signIn' }, status: 200, target: { serverId: server.serverId } });
  });

  it("applies the server's user restrictions to the provider's subject", async () => {
    const { redirect } = await signInThroughProvider('dave');
    expect(redirect.searchParams.get('error')).toBe('access_denied');
  });

  it('offers no development sign-in when a provider is configured', async () => {
    const oauth = new MemoryOAuthClient();
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth });
    await expect(new Client({ name: 't', version: '1' }).connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(signInAs(oauth.authorizationUrl!, 'anyone')).rejects.toThrow(/no sign-in form/);
    const response = await fetch(`${app.apiUrl}/oauth2/interaction/whatever/login`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
  });
});
