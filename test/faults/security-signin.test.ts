import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refreshAuthorization, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/secrets/tokens.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { until } from '../support/faults.js';
import { api } from '../support/mcp.js';
import { MemoryOAuthClient, signInAs } from '../support/signinClient.js';

/**
 * Issue 25, findings 2, 7 and 8, replayed against the sign-in server as an attacker sent them:
 * unlimited unauthenticated registration with 55 KB names and clients that never expire, a
 * sector_identifier_uri that made us connect to internal addresses, and a refused refresh that
 * spent the refresh token.
 */
const REGISTRATIONS_PER_MINUTE = 10;
const RATE_LIMIT = 100;
const UNUSED_CLIENT_TTL_SECONDS = 10;

let app: TestApp;
let serverA: { serverId: string; url: string };
let serverB: { serverId: string; url: string };
/** A port on 127.0.0.1 that records every connection made to it. */
let internal: Server;
let internalConnections = 0;

/** Requests from another loopback address: a client address with buckets of its own. */
const from = (address: string) => new Agent({ localAddress: address });

const register = (metadata: Record<string, unknown>, agent?: Agent) =>
  undiciFetch(`${app.apiUrl}/oauth2/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
    ...(agent ? { dispatcher: agent } : {}),
  });

const publicClient = (extra: Record<string, unknown> = {}) => ({
  client_name: 'A client',
  redirect_uris: ['http://127.0.0.1:9/oauth/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  ...extra,
});

const storedClients = () => app.database.db.selectFrom('signin_store').select(['id_hash', 'expires_at']).where('model', '=', 'Client').execute();

beforeAll(async () => {
  app = await startTestApp({
    env: {
      SIGNIN_DEV_LOGIN: 'true',
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      SIGNIN_REGISTRATIONS_PER_MINUTE: String(REGISTRATIONS_PER_MINUTE),
      SIGNIN_UNUSED_CLIENT_TTL_SECONDS: String(UNUSED_CLIENT_TTL_SECONDS),
      STATE_CLEANUP_INTERVAL_SECONDS: '1',
    },
  });
  const admin = (body: unknown) => api(app.apiUrl, app.apiKey, 'POST', '/api/servers', body);
  serverA = (await admin({ name: 'Server A' })).body;
  serverB = (await admin({ name: 'Server B' })).body;
  internal = createServer((_req, res) => res.end('[]'));
  internal.on('connection', () => (internalConnections += 1));
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => internal?.close(resolve));
  await app?.close();
});

/** The SDK client signs in to `serverUrl` as `userId` (DCR, the development sign-in); returns its client and tokens. */
async function signIn(serverUrl: string, userId: string) {
  const oauth = new MemoryOAuthClient();
  const transport = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: oauth });
  await expect(new Client({ name: 'signin-faults', version: '1.0.0' }).connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
  const { redirect } = await signInAs(oauth.authorizationUrl!, userId);
  await transport.finishAuth(redirect.searchParams.get('code')!);
  return oauth;
}

describe('registration (finding 2)', () => {
  it('refuses a 55 KB client_name and oversized metadata in the documented format, and stores nothing for them', async () => {
    const before = (await storedClients()).length;
    const huge = await register(publicClient({ client_name: 'x'.repeat(55 * 1024) }));
    expect(huge.status).toBe(400);
    expect(await huge.json()).toEqual({ error: 'invalid_client_metadata', error_description: 'client_name must be at most 200 characters' });
    const longName = await register(publicClient({ client_name: 'x'.repeat(201) }));
    expect(longName.status).toBe(400);
    const manyUris = await register(publicClient({ redirect_uris: Array.from({ length: 300 }, (_, n) => `http://127.0.0.1:9/callback/${n}`) }));
    expect(manyUris.status).toBe(400);
    expect(await manyUris.json()).toEqual({ error: 'invalid_client_metadata', error_description: 'client metadata must be at most 8192 bytes' });
    expect((await storedClients()).length).toBe(before);

    const fine = await register(publicClient({ client_name: 'x'.repeat(200) }));
    expect(fine.status).toBe(201);
    expect((await storedClients()).length).toBe(before + 1);
  });

  it(`takes ${REGISTRATIONS_PER_MINUTE} registrations a minute from one address, then answers 429 with Retry-After; other addresses are not held up`, async () => {
    const flooder = from('127.0.0.2');
    const answers = await Promise.all(Array.from({ length: 3 * REGISTRATIONS_PER_MINUTE }, () => register(publicClient(), flooder)));
    const created = answers.filter((answer) => answer.status === 201);
    const refused = answers.filter((answer) => answer.status !== 201);
    expect(created.length).toBeGreaterThan(0);
    expect(created.length).toBeLessThanOrEqual(REGISTRATIONS_PER_MINUTE);
    expect(refused.map((answer) => answer.status)).toEqual(refused.map(() => 429));
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused[0]!.json()).toMatchObject({ error: { code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } } });

    const elsewhere = await register(publicClient(), from('127.0.0.3'));
    expect(elsewhere.status).toBe(201);
  });

  it(`puts every /oauth2 and discovery path under RATE_LIMIT_PER_MINUTE per address`, async () => {
    const agent = from('127.0.0.4');
    const paths = ['/.well-known/oauth-authorization-server', `/.well-known/oauth-protected-resource/mcp/${serverA.serverId}`, '/oauth2/jwks', '/oauth2/token'];
    const answers = await Promise.all(
      Array.from({ length: RATE_LIMIT + 40 }, (_, n) => undiciFetch(`${app.apiUrl}${paths[n % paths.length]}`, { dispatcher: agent, ...(n % paths.length === 3 ? { method: 'POST' } : {}) })),
    );
    const limited = answers.filter((answer) => answer.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(20);
    expect(limited[0]!.headers.get('retry-after')).toBeTruthy();
    expect((await undiciFetch(`${app.apiUrl}/.well-known/oauth-authorization-server`)).status).toBe(200);
  });

  it('deletes a registered client no sign-in used, and keeps one that signed in as long as its grant', async () => {
    const unused = (await (await register(publicClient({ client_name: 'never used' }))).json()) as { client_id: string };
    const used = await signIn(serverA.url, 'alice');
    const usedClient = used.info!.client_id;
    const row = async (clientId: string) => (await storedClients()).find((client) => client.id_hash === hashToken(clientId));
    expect((await row(usedClient))!.expires_at!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    await until(async () => (await row(unused.client_id)) === undefined, 'the unused client to be cleaned up', 30_000);
    expect(await row(usedClient)).toBeDefined();
    // The deleted one is unknown to the authorization endpoint.
    const authorize = new URL(`${app.apiUrl}/oauth2/authorize`);
    authorize.search = new URLSearchParams({ client_id: unused.client_id, response_type: 'code', redirect_uri: 'http://127.0.0.1:9/oauth/callback', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', resource: serverA.url }).toString();
    const answer = await fetch(authorize, { redirect: 'manual' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_client' });
  }, 60_000);
});

describe('sector_identifier_uri (finding 7)', () => {
  it('is refused without any connection to the address it names', async () => {
    // https, as oidc-provider wants; it connected, then hung up on the special-use address.
    const sector = `https://127.0.0.1:${(internal.address() as AddressInfo).port}/sector`;
    for (const extra of [{ sector_identifier_uri: sector }, { sector_identifier_uri: sector, subject_type: 'pairwise' }]) {
      const answer = await register(publicClient(extra), from('127.0.0.5'));
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ error: 'invalid_client_metadata' });
    }
    expect(internalConnections).toBe(0);
  });
});

describe('refresh (finding 8)', () => {
  it('a refresh refused for another resource leaves the refresh token usable', async () => {
    const oauth = await signIn(serverA.url, 'bob');
    const metadata = (await (await fetch(`${app.apiUrl}/.well-known/oauth-authorization-server`)).json()) as AuthorizationServerMetadata;
    const refresh = (refreshToken: string, resource: string) =>
      fetch(`${app.apiUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: oauth.info!.client_id, resource }).toString(),
      });
    const original = oauth.saved!.refresh_token!;
    for (const resource of [serverB.url, `${app.apiUrl}/mcp/srv_unknown`, 'https://elsewhere.example/mcp']) {
      const refused = await refresh(original, resource);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: 'invalid_target' });
    }
    // The next correct refresh works, through the SDK as a client would make it.
    const renewed = await refreshAuthorization(app.apiUrl, { metadata, clientInformation: oauth.info!, refreshToken: original, resource: new URL(serverA.url) });
    expect(renewed.refresh_token).toBeDefined();
    const tools = await fetch(serverA.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${renewed.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(tools.status).toBe(200);
  });
});
