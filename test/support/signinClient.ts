import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * What an MCP client such as Claude or VS Code keeps between sign-ins, in memory: the registered
 * client, the tokens, the PKCE verifier, and the authorization URL it would open in a browser.
 */
export class MemoryOAuthClient implements OAuthClientProvider {
  readonly redirectUrl = 'http://127.0.0.1:9/oauth/callback';
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier?: string;
  authorizationUrl?: URL;

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Test MCP client',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }
}

/** Cookies by name, as a browser would keep them for one site. */
class CookieJar {
  readonly #cookies = new Map<string, string>();
  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      this.#cookies.set(pair!.slice(0, index), pair!.slice(index + 1));
    }
  }
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export interface SignInOutcome {
  /** The page the person saw. */
  consentPage: string;
  /** Where the authorization server sent the browser back to the client. */
  redirect: URL;
}

/**
 * A person's browser: opens the authorization URL, reads the sign-in page, and either submits a
 * user id (the development sign-in) or, given `upstream`, presses "Sign in with…" and lets that
 * provider's login run (it returns the URL it sends the browser back to); then follows redirects
 * until the authorization server sends the browser back to the client.
 */
export async function signInAs(
  authorizationUrl: URL,
  userId: string,
  upstream?: { origin: string; login: (url: URL) => Promise<string> },
): Promise<SignInOutcome> {
  const jar = new CookieJar();
  const go = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.store(response);
    return response;
  };
  let response = await go(authorizationUrl.href);
  let consentPage = '';
  for (let hop = 0; hop < 12; hop++) {
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      let next = new URL(location, authorizationUrl);
      if (upstream && next.origin === upstream.origin) next = new URL(await upstream.login(next));
      if (next.origin !== authorizationUrl.origin) return { consentPage, redirect: next };
      response = await go(next.href);
      continue;
    }
    if (response.status !== 200) throw new Error(`sign-in stopped at ${response.status}: ${await response.text()}`);
    consentPage = await response.text();
    const action = new RegExp(`<form method="post" action="([^"]+/${upstream ? 'upstream' : 'login'})"`).exec(consentPage)?.[1];
    if (!action) throw new Error(`no sign-in form on the page: ${consentPage}`);
    response = await go(new URL(action, authorizationUrl).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: upstream ? '' : new URLSearchParams({ userId }).toString(),
    });
  }
  throw new Error('too many redirects during sign-in');
}
