import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type * as OidcProvider from 'oidc-provider';
import type { Configuration, default as ProviderType, ResourceServer } from 'oidc-provider';

type OidcProviderModule = typeof OidcProvider;
import { getServer } from '../../db/repositories/servers.js';
import { ensureSigninKeys } from '../../db/repositories/signin.js';
import { serverIdParam } from '../../servers/schemas.js';
import { PostgresSigninAdapter } from './adapter.js';
import { ClientIdMetadataDocuments } from './clientIdDocuments.js';
import { SigninClientAdapter, SigninGrantAdapter } from './clients.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/connect.js';
import type { Logger } from '../../observability/logger.js';
import type { SecretBox } from '../../secrets/secretBox.js';

/** The one scope: use this MCP server as the signed-in user. */
export const MCP_SCOPE = 'mcp';
export const SIGNIN_PREFIX = '/oauth2';
const ACCESS_TOKEN_TTL_SECONDS = 3600;
const REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

/** Named here rather than picked from ApiDependencies, which itself names SigninService. */
interface SigninDeps {
  db: Db;
  secretBox: SecretBox;
  /** PUBLIC_URL, or the address this process is bound to. */
  publicUrl: string;
  logger: Logger;
  config: Pick<Config, 'signin' | 'egress'>;
}

export interface SignedInToken {
  userId: string;
  clientId: string;
  grantId: string;
}

/** `${publicUrl}/mcp/<serverId>`: the resource a token is issued for (its audience). */
export const resourceUrlOf = (publicUrl: string, serverId: string) => `${publicUrl}/mcp/${serverId}`;

/** The server a resource URL names, when it is one of ours. */
export function serverIdOfResource(publicUrl: string, resource: string): string | undefined {
  const prefix = `${publicUrl}/mcp/`;
  if (!resource.startsWith(prefix)) return undefined;
  const id = serverIdParam.safeParse(resource.slice(prefix.length));
  return id.success ? id.data : undefined;
}

/**
 * Switchboard's authorization server: oidc-provider with authorization code + PKCE (S256),
 * Client ID Metadata Documents, Dynamic Client Registration, resource indicators (audience = one server's MCP URL), rotating
 * refresh tokens and revocation. Built on first use, from keys kept sealed in Postgres.
 */
export class SigninService {
  #provider?: Promise<ProviderType>;

  constructor(private readonly deps: SigninDeps) {}

  get issuer(): string {
    return this.deps.publicUrl;
  }

  provider(): Promise<ProviderType> {
    this.#provider ??= this.build().catch((error: unknown) => {
      this.#provider = undefined;
      throw error;
    });
    return this.#provider;
  }

  /**
   * A live access token issued for this resource, or undefined. Looked up in Postgres on every
   * call, so a revocation at any replica takes effect at once.
   */
  async verifyAccessToken(token: string, resource: string): Promise<SignedInToken | undefined> {
    const provider = await this.provider();
    const accessToken = await provider.AccessToken.find(token);
    if (!accessToken || accessToken.isExpired || !accessToken.accountId || !accessToken.grantId) return undefined;
    const audiences = [accessToken.aud ?? []].flat();
    if (!audiences.includes(resource)) return undefined;
    if (!(await provider.Grant.find(accessToken.grantId))) return undefined;
    return { userId: accessToken.accountId, clientId: accessToken.clientId ?? '', grantId: accessToken.grantId };
  }

  private async build(): Promise<ProviderType> {
    const { default: Provider, errors } = await loadOidcProvider();
    const keys = await this.keys();
    const { db, secretBox, publicUrl, config } = this.deps;
    const resourceServerOf = async (resource: string): Promise<ResourceServer> => {
      const serverId = serverIdOfResource(publicUrl, resource);
      if (!serverId || !(await getServer(db, serverId))) throw new errors.InvalidTarget('unknown MCP server');
      return { scope: MCP_SCOPE, audience: resource, accessTokenFormat: 'opaque', accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS };
    };
    const documents = new ClientIdMetadataDocuments(config, errors, this.deps.logger);
    const configuration: Configuration = {
      adapter: (model) =>
        model === 'Client'
          ? new SigninClientAdapter(db, secretBox, errors, config.signin.unusedClientTtlSeconds, documents)
          : model === 'Grant'
            ? new SigninGrantAdapter(db, secretBox)
            : new PostgresSigninAdapter(model, db, secretBox),
      clients: [],
      clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
      responseTypes: ['code'],
      scopes: [MCP_SCOPE, 'offline_access'],
      pkce: { required: () => true },
      issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
      // oidc-provider consumes the old refresh token (rotation) before it resolves the resource
      // the new access token is for, so a refusal there (invalid_target) would spend the token
      // and the client's next refresh would revoke the grant. RFC 6749 §6 and RFC 9700 §4.14.2
      // want a refused request to leave the grant usable: this hook runs just before the
      // rotation, so the same checks are made here first.
      rotateRefreshToken: async (ctx) => {
        const refreshToken = ctx.oidc.entities.RefreshToken;
        const target = ctx.oidc.params?.resource ?? refreshToken?.resource;
        if (target === undefined) return true;
        if (typeof target !== 'string' || !refreshToken?.resourceIndicators.has(target)) throw new errors.InvalidTarget();
        await resourceServerOf(target);
        return true;
      },
      expiresWithSession: () => false,
      // Pairwise subjects are not offered, so the document is never needed; fetching it from an
      // unauthenticated registration would let anyone make us connect to internal addresses.
      sectorIdentifierUriValidate: () => {
        throw new errors.InvalidClientMetadata('sector_identifier_uri is not supported (subjects are public)');
      },
      findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
      interactions: { url: (_ctx, interaction) => `${SIGNIN_PREFIX}/interaction/${interaction.uid}` },
      routes: {
        authorization: `${SIGNIN_PREFIX}/authorize`,
        token: `${SIGNIN_PREFIX}/token`,
        registration: `${SIGNIN_PREFIX}/register`,
        revocation: `${SIGNIN_PREFIX}/revoke`,
        jwks: `${SIGNIN_PREFIX}/jwks`,
        userinfo: `${SIGNIN_PREFIX}/userinfo`,
        end_session: `${SIGNIN_PREFIX}/logout`,
        introspection: `${SIGNIN_PREFIX}/introspect`,
        code_verification: `${SIGNIN_PREFIX}/device`,
        device_authorization: `${SIGNIN_PREFIX}/device/auth`,
        pushed_authorization_request: `${SIGNIN_PREFIX}/par`,
        backchannel_authentication: `${SIGNIN_PREFIX}/backchannel`,
        challenge: `${SIGNIN_PREFIX}/challenge`,
      },
      features: {
        devInteractions: { enabled: false },
        // Open registration: MCP clients (Claude, ChatGPT, VS Code) register themselves.
        registration: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: (_ctx, _client, oneOf) => oneOf ?? undefined,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource) => resourceServerOf(resource),
        },
      },
      // Resolved by the Client adapter (clientIdDocuments.ts) rather than oidc-provider's own
      // clientIdMetadataDocument feature, which takes no http client ids (development) and whose
      // fetch we could bound less; so the metadata says it here.
      discovery: { client_id_metadata_document_supported: true },
      cookies: { keys: keys.cookieKeys },
      jwks: { keys: [keys.signingKey] },
      ttl: {
        AccessToken: ACCESS_TOKEN_TTL_SECONDS,
        RefreshToken: REFRESH_TOKEN_TTL_SECONDS,
        AuthorizationCode: 60,
        Interaction: 600,
        Session: 3600,
        Grant: REFRESH_TOKEN_TTL_SECONDS,
        IdToken: 3600,
      },
      renderError: (ctx, out) => {
        ctx.type = 'json';
        ctx.body = out;
      },
    };
    const provider = new Provider(publicUrl, configuration);
    provider.on('server_error', (_ctx, error) => this.deps.logger.error({ err: error }, 'sign-in server error'));
    return provider;
  }

  /** One set of keys for every replica: generated by the first, sealed, read by the rest. */
  private async keys(): Promise<{ signingKey: Record<string, unknown>; cookieKeys: string[] }> {
    const context = 'signin:keys';
    const candidate = {
      signingKey: { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' },
      cookieKeys: [randomBytes(32).toString('base64url')],
    };
    const sealed = await ensureSigninKeys(this.deps.db, this.deps.secretBox.seal(JSON.stringify(candidate), context));
    return JSON.parse(this.deps.secretBox.open(sealed, context)) as { signingKey: Record<string, unknown>; cookieKeys: string[] };
  }
}

/**
 * oidc-provider 9 prints "Unsupported runtime" on any Node < 22 at import. It runs on our Node 20
 * (test/integration/signin.test.ts exercises every path we use), so that one line is dropped.
 */
async function loadOidcProvider(): Promise<OidcProviderModule> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
    warn(...args);
  };
  try {
    return await import('oidc-provider');
  } finally {
    console.warn = warn;
  }
}
