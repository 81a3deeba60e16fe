import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type Provider from 'oidc-provider';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';

import { interactionRoutes } from './oauth/interactions.js';
import { MemoryStore } from './oauth/memoryStore.js';
import { Probe } from './oauth/probe.js';
import { strictProviderConfiguration } from './oauth/strictProvider.js';
import type { OAuthServerStats, TokenFault } from './oauth/probe.js';
import { runAuthorization } from './oauth/testBrowser.js';
import type { AuthorizeOptions } from './oauth/testBrowser.js';

export interface OAuthTestClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  /** Default client_secret_basic. */
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post';
}

export interface OAuthServerOptions {
  /** Confidential clients; default one client "test-client"/"test-secret" (see DEFAULT_CLIENT). */
  clients?: OAuthTestClient[];
  /**
   * Scopes the server accepts besides openid/offline_access. oidc-provider silently
   * drops scopes it was not configured with, so list every provider-specific scope
   * a test requests (authorize() fails loudly when one is missing).
   */
  scopes?: string[];
  /** Default 3600. Changeable later with setAccessTokenTtl. */
  accessTokenTtlSeconds?: number;
  /** Default 14 days. */
  refreshTokenTtlSeconds?: number;
  /**
   * Default true: the token endpoint rejects (401 invalid_client) a client that
   * authenticates with basic when registered for post or vice versa, which
   * oidc-provider itself tolerates.
   */
  strictClientAuth?: boolean;
}

interface AccessTokenInfo {
  sub: string;
  /** Space-separated granted scopes, as in the token response. */
  scope: string;
  clientId: string;
  /** Epoch seconds. */
  expiresAt: number;
}

interface OAuthServerEndpoints {
  authorization: string;
  token: string;
  revocation: string;
  introspection: string;
  discovery: string;
}

export interface OAuthServerHandle {
  /** http://127.0.0.1:<port> (no trailing slash); also the `iss` in responses. */
  readonly issuer: string;
  readonly endpoints: OAuthServerEndpoints;
  readonly clients: readonly OAuthTestClient[];
  /** Live counters; see resetStats(). */
  readonly stats: OAuthServerStats;
  readonly provider: Provider;
  /** Drives login + consent for an authorization URL; returns the redirect to the client, unfollowed. */
  authorize(authorizationUrl: string, opts?: AuthorizeOptions): Promise<string>;
  /** Valid, unexpired, unrevoked access token -> who/what it is for; otherwise null. */
  validateAccessToken(token: string): Promise<AccessTokenInfo | null>;
  /** The next n token endpoint requests (any grant type) get this fault instead of the provider's answer. */
  failNextTokenRequests(n: number, kind: TokenFault): void;
  /**
   * Deletes the account's grants and their tokens, like a user revoking the app:
   * the next refresh gets a genuine invalid_grant. With keepAccessTokens only
   * refresh tokens go, so outstanding access tokens keep working until they expire.
   * Returns the number of grants affected.
   */
  revokeAllFor(accountId: string, opts?: { keepAccessTokens?: boolean }): Promise<number>;
  /** Applies to access tokens issued from now on. */
  setAccessTokenTtl(seconds: number): void;
  /** Zeroes counters and drops pending faults. */
  resetStats(): void;
  close(): Promise<void>;
}

const DEFAULT_CLIENT: OAuthTestClient = {
  client_id: 'test-client',
  client_secret: 'test-secret',
  redirect_uris: ['http://127.0.0.1/callback'],
  token_endpoint_auth_method: 'client_secret_basic',
};

const TOKEN_MODELS = ['AccessToken', 'RefreshToken', 'AuthorizationCode'] as const;

export async function startOAuthServer(options: OAuthServerOptions = {}): Promise<OAuthServerHandle> {
  const clients = options.clients ?? [DEFAULT_CLIENT];
  let accessTokenTtl = options.accessTokenTtlSeconds ?? 3600;
  const refreshTokenTtl = options.refreshTokenTtlSeconds ?? 14 * 24 * 3600;
  const scopes = [...new Set(['openid', 'offline_access', ...(options.scopes ?? [])])];

  // The issuer must contain the port, so bind first and build the provider after.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const store = new MemoryStore();
  const configuration: Configuration = {
    adapter: store.adapterFactory,
    clients: clients.map(
      (c): ClientMetadata => ({
        client_id: c.client_id,
        client_secret: c.client_secret,
        redirect_uris: c.redirect_uris,
        token_endpoint_auth_method: c.token_endpoint_auth_method ?? 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      }),
    ),
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    scopes,
    ...strictProviderConfiguration,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true, allowedPolicy: sameClientOnly },
      introspection: { enabled: true, allowedPolicy: sameClientOnly },
    },
    // Explicit cookie-signing keys and JWKS: oidc-provider's fallbacks are dev-only and warn.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [signingKey()] },
    ttl: {
      AccessToken: () => accessTokenTtl,
      RefreshToken: () => refreshTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 600,
      Grant: refreshTokenTtl,
    },
    renderError: (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  };

  let provider: Provider;
  try {
    const ProviderClass = await loadProvider();
    provider = new ProviderClass(issuer, configuration);
  } catch (err) {
    // e.g. invalid client metadata: don't leave the listener open behind a failed start.
    server.close();
    throw err;
  }
  const pathOf = (route: string): string => new URL(provider.urlFor(route)).pathname;
  const registeredAuth = new Map(
    clients.map((c) => [c.client_id, c.token_endpoint_auth_method ?? 'client_secret_basic']),
  );
  const probe = new Probe(
    { token: pathOf('token'), revocation: pathOf('revocation'), introspection: pathOf('introspection') },
    options.strictClientAuth === false ? undefined : registeredAuth,
  );
  provider.use(probe.middleware());
  provider.use(interactionRoutes(provider));
  server.on('request', provider.callback());

  const endpoints: OAuthServerEndpoints = {
    authorization: provider.urlFor('authorization'),
    token: provider.urlFor('token'),
    revocation: provider.urlFor('revocation'),
    introspection: provider.urlFor('introspection'),
    discovery: `${issuer}/.well-known/openid-configuration`,
  };

  return {
    issuer,
    endpoints,
    clients,
    get stats() {
      return probe.stats;
    },
    provider,

    authorize(authorizationUrl, opts) {
      const unknown = (new URL(authorizationUrl).searchParams.get('scope') ?? '')
        .split(' ')
        .filter((s) => s !== '' && !scopes.includes(s));
      if (unknown.length > 0) {
        return Promise.reject(
          new Error(`authorize: scopes not configured on the test server: ${unknown.join(' ')} (pass them in options.scopes)`),
        );
      }
      return runAuthorization(issuer, authorizationUrl, opts);
    },

    async validateAccessToken(token) {
      const at = await provider.AccessToken.find(token);
      if (!at || at.isExpired || at.exp === undefined) return null;
      // Revoking a grant (refresh-token revocation, reuse detection) must kill its access tokens too.
      if (!(await provider.Grant.find(at.grantId))) return null;
      return { sub: at.accountId, scope: at.scope ?? '', clientId: at.clientId ?? '', expiresAt: at.exp };
    },

    failNextTokenRequests(n, kind) {
      probe.failNext(n, kind);
    },

    async revokeAllFor(accountId, opts = {}) {
      const grants = store.list('Grant').filter((g) => g.payload.accountId === accountId);
      for (const grant of grants) {
        for (const model of TOKEN_MODELS) {
          if (opts.keepAccessTokens && model === 'AccessToken') continue;
          await provider[model].adapter.revokeByGrantId(grant.id);
        }
        if (!opts.keepAccessTokens) store.delete('Grant', grant.id);
      }
      return grants.length;
    },

    setAccessTokenTtl(seconds) {
      accessTokenTtl = seconds;
    },

    resetStats() {
      probe.reset();
    },

    async close() {
      const closed = new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
      });
      // fetch keeps connections alive; without this close() waits for their idle timeout.
      server.closeAllConnections();
      await closed;
      store.clear();
    },
  };
}

let providerModule: Promise<typeof Provider> | undefined;

/**
 * oidc-provider 9 warns "Unsupported runtime" on any Node < 22 at import time.
 * It runs fine on our Node 20.20 (URL.parse and crypto.hash were backported and
 * this suite exercises every path we use), so that one line is filtered out.
 */
function loadProvider(): Promise<typeof Provider> {
  providerModule ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      warn(...args);
    };
    try {
      return (await import('oidc-provider')).default;
    } finally {
      console.warn = warn;
    }
  })();
  return providerModule;
}

/** Token endpoint clients may only revoke/introspect their own tokens (RFC 7009 §2.1). */
function sameClientOnly(ctx: KoaContextWithOIDC, client: { clientId: string }, token: { clientId?: string | undefined }): boolean {
  return token.clientId === client.clientId;
}

let cachedKey: JsonWebKey | undefined;

function signingKey() {
  // RS256 is the default ID token alg; generated (once per worker, RSA keygen is slow)
  // so no key material lives in the repo.
  cachedKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return { ...cachedKey, kid: 'test-rs256', use: 'sig', alg: 'RS256' };
}
