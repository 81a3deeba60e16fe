import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';

import { readBody } from './interactions.js';

export type TokenFault = 'invalid_grant' | 'server_error' | 'network';

type ClientAuthUsed = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface TokenRequestRecord {
  /** grant_type as sent; "unknown" when the body had none. */
  grantType: string;
  /** HTTP status sent (0 for a 'network' fault: the socket was destroyed). */
  status: number;
  clientId: string | undefined;
  /** How the client authenticated on this request. */
  clientAuth: ClientAuthUsed;
  /** OAuth error code from the response, if any. */
  error: string | undefined;
  /** Set when the response was an injected fault rather than the provider's. */
  fault: TokenFault | undefined;
}

interface RevocationRecord {
  /** The token value the client sent. */
  token: string;
  tokenTypeHint: string | undefined;
  clientId: string | undefined;
  clientAuth: ClientAuthUsed;
  /** What the provider found and revoked; undefined when unknown/already invalid. */
  revoked: 'AccessToken' | 'RefreshToken' | undefined;
  status: number;
}

interface IntrospectionRecord {
  token: string;
  tokenTypeHint: string | undefined;
  clientId: string | undefined;
  clientAuth: ClientAuthUsed;
  active: boolean | undefined;
}

export interface OAuthServerStats {
  /** Token endpoint calls by grant type, including ones answered by an injected fault. */
  tokenRequests: { authorization_code: number; refresh_token: number; [grantType: string]: number };
  tokenRequestLog: TokenRequestRecord[];
  revocations: RevocationRecord[];
  introspections: IntrospectionRecord[];
}

function emptyStats(): OAuthServerStats {
  return {
    tokenRequests: { authorization_code: 0, refresh_token: 0 },
    tokenRequestLog: [],
    revocations: [],
    introspections: [],
  };
}

export interface ProbePaths {
  token: string;
  revocation: string;
  introspection: string;
}

/**
 * Sits in front of the provider's token/revocation/introspection routes:
 * answers injected faults before the provider sees the request and records
 * every call afterwards. Koa only writes the response once the middleware
 * chain unwinds, so after next() ctx.oidc holds the parsed params and
 * entities and the response can still be replaced.
 */
export class Probe {
  readonly stats: OAuthServerStats = emptyStats();
  readonly #faults: TokenFault[] = [];

  constructor(
    private readonly paths: ProbePaths,
    /** Registered token_endpoint_auth_method per client_id, enforced when strict. */
    private readonly registeredAuth: ReadonlyMap<string, string> | undefined,
  ) {}

  failNext(n: number, kind: TokenFault): void {
    for (let i = 0; i < n; i++) this.#faults.push(kind);
  }

  reset(): void {
    // In place, so a test holding handle.stats sees the reset.
    Object.assign(this.stats, emptyStats());
    this.#faults.length = 0;
  }

  middleware(): Middleware {
    return async (koaCtx, next) => {
      const ctx = koaCtx as unknown as KoaContextWithOIDC;
      const route =
        ctx.method !== 'POST'
          ? undefined
          : ctx.path === this.paths.token
            ? 'token'
            : ctx.path === this.paths.revocation
              ? 'revocation'
              : ctx.path === this.paths.introspection
                ? 'introspection'
                : undefined;
      if (route === undefined) {
        await next();
        return;
      }
      if (route === 'token') {
        const fault = this.#faults.shift();
        if (fault) {
          await this.#injectFault(ctx, fault);
          return;
        }
      }
      try {
        await next();
        if (route === 'token') await this.#enforceRegisteredAuth(ctx);
      } finally {
        if (route === 'token') this.#recordToken(ctx);
        else if (route === 'revocation') this.#recordRevocation(ctx);
        else this.#recordIntrospection(ctx);
      }
    };
  }

  /**
   * oidc-provider v9 accepts client_secret_basic and client_secret_post
   * interchangeably for either registration. Real providers often do not, and
   * a connector sending the wrong one must fail here too. The check can only
   * run after the provider answered, so tokens it just issued are destroyed.
   */
  async #enforceRegisteredAuth(ctx: KoaContextWithOIDC): Promise<void> {
    const clientId = ctx.oidc?.client?.clientId;
    if (!this.registeredAuth || clientId === undefined || ctx.status !== 200) return;
    const registered = this.registeredAuth.get(clientId);
    const used = clientAuthUsed(ctx);
    if (registered === undefined || registered === used) return;
    const { AccessToken, RefreshToken } = ctx.oidc.entities;
    await Promise.all([AccessToken?.destroy(), RefreshToken?.destroy()]);
    ctx.status = 401;
    ctx.set('cache-control', 'no-store');
    if (used === 'client_secret_basic') ctx.set('www-authenticate', 'Basic realm="oauth-test-server"');
    ctx.body = {
      error: 'invalid_client',
      error_description: `client authenticated with ${used} but is registered for ${registered}`,
    };
  }

  #countToken(record: TokenRequestRecord): void {
    const { tokenRequests } = this.stats;
    tokenRequests[record.grantType] = (tokenRequests[record.grantType] ?? 0) + 1;
    this.stats.tokenRequestLog.push(record);
  }

  #recordToken(ctx: KoaContextWithOIDC): void {
    const body = responseBody(ctx);
    this.#countToken({
      grantType: stringParam(ctx, 'grant_type') ?? 'unknown',
      status: ctx.status,
      clientId: ctx.oidc?.client?.clientId,
      clientAuth: clientAuthUsed(ctx),
      error: typeof body?.error === 'string' ? body.error : undefined,
      fault: undefined,
    });
  }

  #recordRevocation(ctx: KoaContextWithOIDC): void {
    const { AccessToken, RefreshToken } = ctx.oidc?.entities ?? {};
    this.stats.revocations.push({
      token: stringParam(ctx, 'token') ?? '',
      tokenTypeHint: stringParam(ctx, 'token_type_hint'),
      clientId: ctx.oidc?.client?.clientId,
      clientAuth: clientAuthUsed(ctx),
      revoked: RefreshToken ? 'RefreshToken' : AccessToken ? 'AccessToken' : undefined,
      status: ctx.status,
    });
  }

  #recordIntrospection(ctx: KoaContextWithOIDC): void {
    const body = responseBody(ctx);
    this.stats.introspections.push({
      token: stringParam(ctx, 'token') ?? '',
      tokenTypeHint: stringParam(ctx, 'token_type_hint'),
      clientId: ctx.oidc?.client?.clientId,
      clientAuth: clientAuthUsed(ctx),
      active: typeof body?.active === 'boolean' ? body.active : undefined,
    });
  }

  async #injectFault(ctx: KoaContextWithOIDC, fault: TokenFault): Promise<void> {
    // The body is consumed here (never forwarded) so the request can still be counted by grant type.
    const params = new URLSearchParams(await readBody(ctx.req));
    const record: TokenRequestRecord = {
      grantType: params.get('grant_type') ?? 'unknown',
      status: 0,
      clientId: basicClientId(ctx.get('authorization')) ?? params.get('client_id') ?? undefined,
      clientAuth: ctx.get('authorization') ? 'client_secret_basic' : params.has('client_secret') ? 'client_secret_post' : 'none',
      error: undefined,
      fault,
    };
    this.#countToken(record);
    if (fault === 'network') {
      ctx.respond = false;
      ctx.req.socket.destroy();
      return;
    }
    ctx.set('cache-control', 'no-store');
    ctx.status = fault === 'invalid_grant' ? 400 : 500;
    ctx.body = { error: fault, error_description: 'injected fault' };
    record.status = ctx.status;
    record.error = fault;
  }
}

function clientAuthUsed(ctx: KoaContextWithOIDC): ClientAuthUsed {
  if (ctx.get('authorization')) return 'client_secret_basic';
  return stringParam(ctx, 'client_secret') !== undefined ? 'client_secret_post' : 'none';
}

function stringParam(ctx: KoaContextWithOIDC, name: string): string | undefined {
  // params is only assembled once the route's own parser ran; fall back to the raw parsed body.
  const params = ctx.oidc?.params as Record<string, unknown> | undefined;
  const value = params?.[name] ?? (ctx.oidc?.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

function responseBody(ctx: KoaContextWithOIDC): Record<string, unknown> | undefined {
  const { body } = ctx;
  if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) {
    return body as Record<string, unknown>;
  }
  if (typeof body === 'string' && body.startsWith('{')) {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function basicClientId(authorization: string): string | undefined {
  const match = /^Basic\s+(.+)$/i.exec(authorization);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decodeURIComponent(decoded.slice(0, colon)) : undefined;
}
