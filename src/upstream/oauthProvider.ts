import * as oauth from 'oauth4webapi';
import { fetch as undiciFetch, type Agent } from 'undici';
import { resolveConnector } from '../connectors/registry.js';
import { oauthAppSecretContext, oauthMethodOf, providerSettings } from '../credentials/oauthApps.js';
import { getOAuthApp } from '../db/repositories/oauth.js';
import { InvalidRequestError, SwitchboardError } from '../errors.js';
import type { Config } from '../config.js';
import type { Db } from '../db/connect.js';
import type { SecretBox } from '../secrets/secretBox.js';
import { cappedFetch, responseLimits, ResponseTooLargeError } from './boundedBody.js';
import { checkUrl } from './egress.js';
import { switchboardErrorIn } from './http.js';
import { isRemoteMcpConnectorId } from '../remoteMcp/connector.js';
import { loadRemoteMcpOAuthParty } from './remoteMcp/registeredClient.js';
import type { OAuthParty } from './oauthParty.js';

export type { OAuthParty } from './oauthParty.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * What the token endpoint said, with no secret in it: safe for messages, logs and workflow
 * histories. A rejection is final (UPSTREAM_REJECTED); network errors and 5xx may pass (UPSTREAM_ERROR).
 */
export class OAuthProviderError extends SwitchboardError {
  constructor(
    readonly kind: 'invalid_grant' | 'rejected' | 'transient',
    readonly error: string,
    message: string,
  ) {
    super(kind === 'transient' ? 'UPSTREAM_ERROR' : 'UPSTREAM_REJECTED', message, { error });
  }
}

export async function loadOAuthParty(
  deps: { db: Db; secretBox: SecretBox; config: Pick<Config, 'egress' | 'upstream'> },
  agent: Agent,
  accountId: string,
  connectorId: string,
): Promise<OAuthParty> {
  if (isRemoteMcpConnectorId(connectorId)) return loadRemoteMcpOAuthParty(deps, agent, accountId, connectorId);
  const connector = await resolveConnector(deps.db, accountId, connectorId);
  const method = oauthMethodOf(connector);
  const app = await getOAuthApp(deps.db, accountId, connectorId);
  if (!app) {
    throw new InvalidRequestError(`No OAuth app is configured for "${connectorId}"; set one with PUT /api/oauth-apps/${connectorId}`, {
      connectorId,
    });
  }
  const settings = providerSettings(method, app);
  const secret = deps.secretBox.open(app.client_secret_encrypted, oauthAppSecretContext(accountId, connectorId));
  const endpoints = [settings.authorizationUrl, settings.tokenUrl, settings.revocationUrl].filter((url) => url !== undefined);
  for (const url of endpoints) checkUrl(deps.config.egress, new URL(url));
  // Real providers are https; plain http is only accepted for a provider on this machine (tests, local dev).
  const insecure = endpoints.every((url) => new URL(url).protocol === 'https:' || LOOPBACK.has(new URL(url).hostname));
  const guardedFetch = cappedFetch(
    (url, init: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>,
    responseLimits(deps.config).oauth,
  ) as typeof fetch;
  return {
    settings,
    as: {
      // Without a configured issuer the identifier only labels the server; iss checks need `issuer`.
      issuer: settings.issuer ?? new URL(settings.tokenUrl).origin,
      authorization_endpoint: settings.authorizationUrl,
      token_endpoint: settings.tokenUrl,
      ...(settings.revocationUrl ? { revocation_endpoint: settings.revocationUrl } : {}),
    },
    client: { client_id: settings.clientId },
    clientAuth:
      settings.tokenEndpointAuthMethod === 'client_secret_post' ? oauth.ClientSecretPost(secret) : oauth.ClientSecretBasic(secret),
    http: { [oauth.customFetch]: guardedFetch, ...(insecure ? { [oauth.allowInsecureRequests]: true as const } : {}) },
  };
}

export function buildAuthorizationUrl(
  party: OAuthParty,
  input: { callbackUrl: string; state: string; codeChallenge: string },
): string {
  const url = new URL(party.settings.authorizationUrl);
  const params = {
    ...party.settings.extraAuthorizationParams,
    client_id: party.settings.clientId,
    redirect_uri: input.callbackUrl,
    response_type: 'code',
    state: input.state,
    // Always S256: RFC 7636 servers that don't know PKCE ignore these parameters.
    code_challenge: input.codeChallenge,
    code_challenge_method: 'S256',
    ...(party.settings.scopes.length > 0 ? { scope: party.settings.scopes.join(party.settings.scopeSeparator) } : {}),
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  tokenType: string;
  scope?: string;
  expiresIn?: number;
}

function tokenSetOf(response: oauth.TokenEndpointResponse): TokenSet {
  return {
    accessToken: response.access_token,
    tokenType: response.token_type,
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    ...(response.scope ? { scope: response.scope } : {}),
    ...(typeof response.expires_in === 'number' ? { expiresIn: response.expires_in } : {}),
  };
}

/** invalid_grant is final; other OAuth errors are configuration problems; network and 5xx may pass. */
function classify(error: unknown, what: string): OAuthProviderError {
  if (error instanceof OAuthProviderError) return error;
  // oauth4webapi wraps the body's error (a JSON parse that could not finish) as its cause.
  const tooLarge = switchboardErrorIn(error);
  if (tooLarge instanceof ResponseTooLargeError) return new OAuthProviderError('rejected', 'response_too_large', `${what} failed: ${tooLarge.message}`);
  if (error instanceof oauth.ResponseBodyError) {
    const kind = error.error === 'invalid_grant' ? 'invalid_grant' : error.status >= 500 ? 'transient' : 'rejected';
    return new OAuthProviderError(kind, error.error, `${what} failed: ${error.error} (HTTP ${error.status})`);
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return new OAuthProviderError('rejected', 'invalid_client', `${what} failed: the provider refused the client (HTTP ${error.status})`);
  }
  if (error instanceof oauth.OperationProcessingError) {
    const status = (error.cause as Response | undefined)?.status;
    if (typeof status === 'number' && status >= 500) {
      return new OAuthProviderError('transient', 'server_error', `${what} failed: HTTP ${status}`);
    }
    return new OAuthProviderError('rejected', 'invalid_response', `${what} failed: ${error.message}`);
  }
  return new OAuthProviderError('transient', 'network', `${what} failed: ${(error as Error).message ?? 'network error'}`);
}

const resourceParameter = (party: OAuthParty) => (party.resource ? { additionalParameters: { resource: party.resource } } : {});

export async function exchangeCode(
  party: OAuthParty,
  input: { callbackQuery: string; callbackUrl: string; codeVerifier: string },
): Promise<TokenSet> {
  const parameters = new URLSearchParams(input.callbackQuery);
  // Unless an issuer is configured we can't check iss, and oauth4webapi would refuse a mismatch with our placeholder.
  if (!party.settings.issuer) parameters.delete('iss');
  // The callback route already matched state (by hash) and consumed it.
  let validated: URLSearchParams;
  try {
    validated = oauth.validateAuthResponse(party.as, party.client, parameters, oauth.skipStateCheck);
  } catch (error) {
    throw new InvalidRequestError(`The authorization callback is not valid: ${(error as Error).message}`);
  }
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      party.as,
      party.client,
      party.clientAuth,
      validated,
      input.callbackUrl,
      input.codeVerifier,
      { ...party.http, ...resourceParameter(party) },
    );
    return tokenSetOf(await oauth.processAuthorizationCodeResponse(party.as, party.client, response));
  } catch (error) {
    throw classify(error, 'The code exchange');
  }
}

export async function refreshTokens(party: OAuthParty, refreshToken: string): Promise<TokenSet> {
  try {
    const response = await oauth.refreshTokenGrantRequest(party.as, party.client, party.clientAuth, refreshToken, { ...party.http, ...resourceParameter(party) });
    return tokenSetOf(await oauth.processRefreshTokenResponse(party.as, party.client, response));
  } catch (error) {
    throw classify(error, 'The token refresh');
  }
}

/** RFC 7009. Unknown or already-dead tokens answer 200, so any error here is the provider's. */
export async function revokeToken(party: OAuthParty, token: string, hint: 'access_token' | 'refresh_token'): Promise<void> {
  const response = await oauth.revocationRequest(party.as, party.client, party.clientAuth, token, {
    ...party.http,
    additionalParameters: { token_type_hint: hint },
  });
  await oauth.processRevocationResponse(response);
}
