import * as oauth from 'oauth4webapi';
import type { Config } from '../../config.js';
import { InvalidRequestError, UnauthorizedError } from '../../errors.js';

type UpstreamConfig = NonNullable<Config['signin']['upstream']>;

/** What a sign-in at the upstream provider must bring back; kept sealed until the callback. */
export interface PendingUpstreamLogin {
  /** The oidc-provider interaction the person left from. */
  uid: string;
  codeVerifier: string;
  nonce: string;
}

/**
 * The relying party of the configured OpenID Connect provider (oauth4webapi): sends people to
 * sign in there (code + PKCE + nonce) and turns the ID token's claim into the Switchboard user id.
 */
export class UpstreamSignin {
  #server?: Promise<oauth.AuthorizationServer>;
  readonly #client: oauth.Client;
  // http issuers are for local providers (development, the tests); the spec's https otherwise.
  readonly #options: { [oauth.allowInsecureRequests]?: boolean };

  constructor(
    private readonly config: UpstreamConfig,
    readonly redirectUri: string,
  ) {
    this.#client = { client_id: config.clientId };
    this.#options = new URL(config.issuer).protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
  }

  get issuer(): string {
    return this.config.issuer;
  }

  private server(): Promise<oauth.AuthorizationServer> {
    this.#server ??= (async () => {
      const issuer = new URL(this.config.issuer);
      return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...this.#options, algorithm: 'oidc' }));
    })().catch((error: unknown) => {
      this.#server = undefined;
      throw error;
    });
    return this.#server;
  }

  async start(uid: string): Promise<{ url: URL; state: string; pending: PendingUpstreamLogin }> {
    const server = await this.server();
    if (!server.authorization_endpoint) throw new Error('The sign-in provider publishes no authorization endpoint');
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(server.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: this.config.clientId,
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope: 'openid',
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    }).toString();
    return { url, state, pending: { uid, codeVerifier, nonce } };
  }

  /** The user id the provider vouches for, from the callback URL it sent the browser to. */
  async finish(callbackUrl: URL, state: string, pending: PendingUpstreamLogin): Promise<string> {
    const server = await this.server();
    let parameters: URLSearchParams;
    try {
      parameters = oauth.validateAuthResponse(server, this.#client, callbackUrl, state);
    } catch (error) {
      throw new UnauthorizedError('The sign-in provider refused the sign-in', { reason: (error as Error).message });
    }
    const response = await oauth.authorizationCodeGrantRequest(
      server,
      this.#client,
      oauth.ClientSecretBasic(this.config.clientSecret),
      parameters,
      this.redirectUri,
      pending.codeVerifier,
      this.#options,
    );
    const result = await oauth.processAuthorizationCodeResponse(server, this.#client, response, { expectedNonce: pending.nonce, requireIdToken: true });
    const value = oauth.getValidatedIdTokenClaims(result)?.[this.config.userClaim];
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
      throw new InvalidRequestError(`The sign-in provider's ID token has no usable "${this.config.userClaim}" claim`);
    }
    return value;
  }
}
