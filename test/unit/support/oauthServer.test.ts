import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { startOAuthServer } from '../../support/oauthServer.js';
import type { OAuthServerHandle, OAuthTestClient } from '../../support/oauthServer.js';

// Loopback http: oauth4webapi refuses non-https URLs unless told otherwise per call.
const insecure = { [oauth.allowInsecureRequests]: true } as const;

const basicClient: OAuthTestClient = {
  client_id: 'basic-client',
  client_secret: 'basic-secret',
  redirect_uris: ['http://127.0.0.1:9/callback'],
  token_endpoint_auth_method: 'client_secret_basic',
};
const postClient: OAuthTestClient = {
  client_id: 'post-client',
  client_secret: 'post-secret',
  redirect_uris: ['http://127.0.0.1:9/post-callback'],
  token_endpoint_auth_method: 'client_secret_post',
};
const SCOPE = 'channels:read chat:write';

interface Party {
  client: oauth.Client;
  auth: oauth.ClientAuth;
  redirectUri: string;
}

function party(c: OAuthTestClient): Party {
  const auth =
    c.token_endpoint_auth_method === 'client_secret_post'
      ? oauth.ClientSecretPost(c.client_secret)
      : oauth.ClientSecretBasic(c.client_secret);
  return { client: { client_id: c.client_id }, auth, redirectUri: c.redirect_uris[0] ?? '' };
}

let server: OAuthServerHandle;
let as: oauth.AuthorizationServer;

beforeAll(async () => {
  server = await startOAuthServer({ clients: [basicClient, postClient], scopes: ['channels:read', 'chat:write'] });
  const issuer = new URL(server.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.resetStats();
  server.setAccessTokenTtl(3600);
});

async function authorizationUrl(p: Party, scope: string) {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint ?? '');
  url.search = new URLSearchParams({
    client_id: p.client.client_id,
    redirect_uri: p.redirectUri,
    response_type: 'code',
    scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  }).toString();
  return { url: url.href, codeVerifier, state };
}

/** The whole handshake, as our production code will do it with oauth4webapi. */
async function codeFlow(p: Party, opts: { accountId?: string; scope?: string } = {}) {
  const { url, codeVerifier, state } = await authorizationUrl(p, opts.scope ?? SCOPE);
  const callback = new URL(await server.authorize(url, { accountId: opts.accountId }));
  const params = oauth.validateAuthResponse(as, p.client, callback, state);
  const res = await oauth.authorizationCodeGrantRequest(as, p.client, p.auth, params, p.redirectUri, codeVerifier, insecure);
  return oauth.processAuthorizationCodeResponse(as, p.client, res);
}

async function refresh(p: Party, refreshToken: string) {
  const res = await oauth.refreshTokenGrantRequest(as, p.client, p.auth, refreshToken, insecure);
  return oauth.processRefreshTokenResponse(as, p.client, res);
}

async function revoke(p: Party, token: string, hint: 'access_token' | 'refresh_token') {
  const res = await oauth.revocationRequest(as, p.client, p.auth, token, {
    ...insecure,
    additionalParameters: { token_type_hint: hint },
  });
  await oauth.processRevocationResponse(res);
}

async function oauthErrorOf(promise: Promise<unknown>): Promise<{ error: string; status: number }> {
  const err = await promise.then(
    () => {
      throw new Error('expected an OAuth error response');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(oauth.ResponseBodyError);
  const { error, status } = err as oauth.ResponseBodyError;
  return { error, status };
}

describe('startOAuthServer', () => {
  it('is discoverable and exposes its endpoints', () => {
    expect(server.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(as.issuer).toBe(server.issuer);
    expect(as.token_endpoint).toBe(server.endpoints.token);
    expect(as.authorization_endpoint).toBe(server.endpoints.authorization);
    expect(as.revocation_endpoint).toBe(server.endpoints.revocation);
    expect(as.introspection_endpoint).toBe(server.endpoints.introspection);
    expect(as.scopes_supported).toEqual(expect.arrayContaining(['channels:read', 'chat:write']));
  });

  it.each([
    ['client_secret_basic', basicClient],
    ['client_secret_post', postClient],
  ])('runs code + PKCE with %s and issues a refresh token without offline_access', async (_m, c) => {
    const p = party(c);
    const tokens = await codeFlow(p, { accountId: 'alice' });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe(SCOPE);
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    await expect(server.validateAccessToken(tokens.access_token)).resolves.toMatchObject({
      sub: 'alice',
      scope: SCOPE,
      clientId: c.client_id,
    });
    expect(server.stats.tokenRequests).toMatchObject({ authorization_code: 1, refresh_token: 0 });
    expect(server.stats.tokenRequestLog[0]).toMatchObject({
      status: 200,
      clientId: c.client_id,
      clientAuth: c.token_endpoint_auth_method,
      fault: undefined,
    });
  });

  it('enforces the registered client auth method', async () => {
    const wrong = { ...party(postClient), auth: oauth.ClientSecretBasic(postClient.client_secret) };
    // 401 + WWW-Authenticate surfaces from oauth4webapi as a challenge error, not a body error.
    const err: unknown = await codeFlow(wrong).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect((err as oauth.WWWAuthenticateChallengeError).status).toBe(401);
    await expect((err as oauth.WWWAuthenticateChallengeError).response.json()).resolves.toMatchObject({
      error: 'invalid_client',
    });
    expect(server.stats.tokenRequestLog).toMatchObject([
      { clientAuth: 'client_secret_basic', status: 401, error: 'invalid_client' },
    ]);
  });

  it('requires PKCE', async () => {
    const p = party(basicClient);
    const { url } = await authorizationUrl(p, SCOPE);
    const noPkce = new URL(url);
    noPkce.searchParams.delete('code_challenge');
    noPkce.searchParams.delete('code_challenge_method');
    const callback = new URL(await server.authorize(noPkce.href));
    expect(callback.searchParams.get('error')).toBe('invalid_request');
  });

  it('supports openid offline_access alongside API scopes', async () => {
    const tokens = await codeFlow(party(basicClient), { scope: 'openid offline_access chat:write' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.id_token).toEqual(expect.any(String));
  });

  it('rejects scopes the server was not configured with, loudly', async () => {
    const { url } = await authorizationUrl(party(basicClient), 'channels:history');
    await expect(server.authorize(url)).rejects.toThrow(/channels:history/);
  });

  it('returns access_denied to the client when the user denies', async () => {
    const p = party(basicClient);
    const { url, state } = await authorizationUrl(p, SCOPE);
    const location = new URL(await server.authorize(url, { deny: true }));
    expect(`${location.origin}${location.pathname}`).toBe(p.redirectUri);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe(state);
    expect(() => oauth.validateAuthResponse(as, p.client, location, state)).toThrow(oauth.AuthorizationResponseError);
    expect(server.stats.tokenRequests.authorization_code).toBe(0);
  });

  it('rotates refresh tokens and rejects a reused one with invalid_grant', async () => {
    const p = party(basicClient);
    const first = await codeFlow(p);
    const second = await refresh(p, first.refresh_token ?? '');
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.scope).toBe(SCOPE);
    await expect(server.validateAccessToken(second.access_token)).resolves.toMatchObject({ sub: 'user-1' });

    const third = await refresh(p, second.refresh_token ?? '');
    expect(third.refresh_token).not.toBe(second.refresh_token);

    expect(await oauthErrorOf(refresh(p, first.refresh_token ?? ''))).toEqual({ error: 'invalid_grant', status: 400 });
    // Reuse detection revokes the whole grant, including the newest tokens.
    expect((await oauthErrorOf(refresh(p, third.refresh_token ?? ''))).error).toBe('invalid_grant');
    await expect(server.validateAccessToken(third.access_token)).resolves.toBeNull();
    expect(server.stats.tokenRequests).toMatchObject({ authorization_code: 1, refresh_token: 4 });
  });

  it('revokes a refresh token (RFC 7009) and counts it', async () => {
    const p = party(postClient);
    const tokens = await codeFlow(p);
    await revoke(p, tokens.refresh_token ?? '', 'refresh_token');
    expect(server.stats.revocations).toEqual([
      {
        token: tokens.refresh_token,
        tokenTypeHint: 'refresh_token',
        clientId: postClient.client_id,
        clientAuth: 'client_secret_post',
        revoked: 'RefreshToken',
        status: 200,
      },
    ]);
    expect((await oauthErrorOf(refresh(p, tokens.refresh_token ?? ''))).error).toBe('invalid_grant');
    // Revoking the refresh token ends the grant, so its access token dies with it.
    await expect(server.validateAccessToken(tokens.access_token)).resolves.toBeNull();
  });

  it('revokes an access token, taking its refresh token along', async () => {
    const p = party(basicClient);
    const tokens = await codeFlow(p);
    await revoke(p, tokens.access_token, 'access_token');
    expect(server.stats.revocations).toMatchObject([
      { tokenTypeHint: 'access_token', revoked: 'AccessToken', clientAuth: 'client_secret_basic' },
    ]);
    await expect(server.validateAccessToken(tokens.access_token)).resolves.toBeNull();
    // oidc-provider revokes every token of the grant here (RFC 7009 §2.1 allows it).
    expect((await oauthErrorOf(refresh(p, tokens.refresh_token ?? ''))).error).toBe('invalid_grant');

    // Unknown tokens still get 200 per RFC 7009, and are recorded as not revoked.
    await revoke(p, 'not-a-token', 'access_token');
    expect(server.stats.revocations[1]).toMatchObject({ token: 'not-a-token', revoked: undefined, status: 200 });
  });

  it('counts introspection requests', async () => {
    const p = party(basicClient);
    const tokens = await codeFlow(p);
    const res = await oauth.introspectionRequest(as, p.client, p.auth, tokens.access_token, insecure);
    const result = await oauth.processIntrospectionResponse(as, p.client, res);
    expect(result).toMatchObject({ active: true, sub: 'user-1', scope: SCOPE, client_id: basicClient.client_id });
    expect(server.stats.introspections).toMatchObject([{ token: tokens.access_token, active: true }]);
  });

  it('injects token endpoint faults, then recovers', async () => {
    const p = party(basicClient);
    const tokens = await codeFlow(p);
    const rt = tokens.refresh_token ?? '';

    server.failNextTokenRequests(1, 'invalid_grant');
    expect(await oauthErrorOf(refresh(p, rt))).toEqual({ error: 'invalid_grant', status: 400 });

    server.failNextTokenRequests(1, 'server_error');
    const res = await oauth.refreshTokenGrantRequest(as, p.client, p.auth, rt, insecure);
    expect(res.status).toBe(500);
    await expect(res.json()).resolves.toMatchObject({ error: 'server_error' });

    server.failNextTokenRequests(2, 'network');
    await expect(refresh(p, rt)).rejects.toThrow(TypeError);
    await expect(refresh(p, rt)).rejects.toThrow(TypeError);

    // Faults never reached the provider, so the refresh token is still unused.
    const ok = await refresh(p, rt);
    expect(ok.access_token).toEqual(expect.any(String));
    expect(server.stats.tokenRequests).toMatchObject({ authorization_code: 1, refresh_token: 5 });
    expect(server.stats.tokenRequestLog.map((r) => [r.fault, r.status])).toEqual([
      [undefined, 200],
      ['invalid_grant', 400],
      ['server_error', 500],
      ['network', 0],
      ['network', 0],
      [undefined, 200],
    ]);
  });

  it('honours access token expiry in validateAccessToken', async () => {
    server.setAccessTokenTtl(1);
    const tokens = await codeFlow(party(basicClient));
    expect(tokens.expires_in).toBe(1);
    await expect(server.validateAccessToken(tokens.access_token)).resolves.not.toBeNull();
    // oidc-provider reads the clock through Date, so faking only Date skips the wait.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 2000);
      await expect(server.validateAccessToken(tokens.access_token)).resolves.toBeNull();
    } finally {
      vi.useRealTimers();
    }
    await expect(server.validateAccessToken('garbage')).resolves.toBeNull();
  });

  it('revokeAllFor makes the next refresh fail with a genuine invalid_grant', async () => {
    const p = party(basicClient);
    const bob = await codeFlow(p, { accountId: 'bob' });
    const carol = await codeFlow(p, { accountId: 'carol' });
    await expect(server.revokeAllFor('bob')).resolves.toBe(1);
    const { error } = await oauthErrorOf(refresh(p, bob.refresh_token ?? ''));
    expect(error).toBe('invalid_grant');
    expect(server.stats.tokenRequestLog.at(-1)).toMatchObject({ error: 'invalid_grant', fault: undefined });
    await expect(server.validateAccessToken(bob.access_token)).resolves.toBeNull();
    await expect(refresh(p, carol.refresh_token ?? '')).resolves.toMatchObject({ scope: SCOPE });
  });

  it('revokeAllFor with keepAccessTokens only kills refresh tokens', async () => {
    const p = party(basicClient);
    const dave = await codeFlow(p, { accountId: 'dave' });
    await server.revokeAllFor('dave', { keepAccessTokens: true });
    expect((await oauthErrorOf(refresh(p, dave.refresh_token ?? ''))).error).toBe('invalid_grant');
    await expect(server.validateAccessToken(dave.access_token)).resolves.toMatchObject({ sub: 'dave' });
  });
});

describe('startOAuthServer lifecycle', () => {
  it('starts with defaults and closes with keep-alive connections open', async () => {
    const s = await startOAuthServer();
    const res = await fetch(s.endpoints.discovery);
    expect(res.status).toBe(200);
    expect(s.clients[0]?.client_id).toBe('test-client');
    await s.close();
    await expect(fetch(s.endpoints.discovery)).rejects.toThrow();
  });
});
