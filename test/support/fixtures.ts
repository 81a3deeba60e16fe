import { expect } from 'vitest';
import type { TestApp } from './app.js';
import type { FakeSaas } from './fakeSaas.js';
import { api } from './mcp.js';
import { startOAuthServer, type OAuthServerHandle } from './oauthServer.js';
import { startTokenCheckedApi, type TokenCheckedApi } from './tokenCheckedApi.js';

/** Sends each connector's requests to the fake SaaS, authenticated with the fake's bearer token. */
export async function connectToFakeSaas(app: TestApp, fake: FakeSaas, connectorIds: string[]): Promise<void> {
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  for (const connectorId of connectorIds) {
    expect((await call('PUT', `/api/connectors/${connectorId}/settings`, { baseUrl: fake.url })).status).toBe(200);
    const credential = await call('POST', '/api/credentials', {
      connectorId,
      authenticationType: 'bearer',
      fields: { token: fake.token },
    });
    expect(credential.status).toBe(201);
  }
}

/**
 * An OAuth provider with one client, 'switchboard', that may redirect only to the app's callback, and an
 * upstream API that accepts only that provider's live access tokens.
 */
export async function startOAuthUpstream(
  app: TestApp,
  clientSecret: string,
): Promise<{ provider: OAuthServerHandle; upstream: TokenCheckedApi }> {
  const provider = await startOAuthServer({
    clients: [
      {
        client_id: 'switchboard',
        client_secret: clientSecret,
        redirect_uris: [`${app.apiUrl}/oauth/callback`],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    scopes: ['channels:read'],
  });
  const upstream = await startTokenCheckedApi((token) => provider.validateAccessToken(token));
  return { provider, upstream };
}

/**
 * Slack as an OAuth connector of the app: its OAuth app is the provider's 'switchboard' client,
 * and its calls go to the token-checked upstream. Returns nothing; each write is asserted.
 */
export async function useOAuthUpstreamForSlack(
  app: TestApp,
  { provider, upstream }: { provider: OAuthServerHandle; upstream: TokenCheckedApi },
  clientSecret: string,
  rateLimit?: { requestsPerSecond: number; burst: number },
): Promise<void> {
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  const configured = await call('PUT', '/api/oauth-apps/slack', {
    clientId: 'switchboard',
    clientSecret,
    scopes: ['channels:read'],
    redirectUris: ['https://client.example/done'],
    authorizationUrl: provider.endpoints.authorization,
    tokenUrl: provider.endpoints.token,
    issuer: provider.issuer,
  });
  expect(configured.status).toBe(200);
  expect((await call('PUT', '/api/connectors/slack/settings', { baseUrl: upstream.url, ...(rateLimit ? { rateLimit } : {}) })).status).toBe(200);
}
