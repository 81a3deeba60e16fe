export interface AuthorizeOptions {
  /** Account to log in as; default "user-1". */
  accountId?: string;
  /** Press "Deny" at the first prompt: the client gets error=access_denied. */
  deny?: boolean;
}

/** Minimal cookie jar: one origin (the issuer), so name-keyed is enough. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k = '', v = ''] = a.split('=');
        const key = k.trim().toLowerCase();
        return (key === 'expires' && Date.parse(v) <= Date.now()) || (key === 'max-age' && Number(v) <= 0);
      });
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

interface InteractionView {
  uid: string;
  prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
}

const MAX_HOPS = 20;

/**
 * Plays the user-agent: follows the provider's redirects, answers the login
 * and consent interactions, and stops at the first redirect that targets the
 * client's redirect_uri, returning that Location untouched.
 */
export async function runAuthorization(
  issuer: string,
  authorizationUrl: string,
  opts: AuthorizeOptions = {},
): Promise<string> {
  const jar = new CookieJar();
  const start = new URL(authorizationUrl);
  const redirectUri = start.searchParams.get('redirect_uri');
  const issuerOrigin = new URL(issuer).origin;

  // Without an explicit redirect_uri (single registered URI) anything off-issuer is the client.
  const isClientRedirect = (loc: URL): boolean =>
    redirectUri !== null
      ? `${loc.origin}${loc.pathname}` === redirectUri.split('?')[0]
      : loc.origin !== issuerOrigin;

  const request = async (url: URL, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    const cookie = jar.header();
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    jar.store(res);
    return res;
  };

  let url = start;
  let res = await request(url);
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      const next = new URL(location, url);
      if (isClientRedirect(next)) return next.href;
      url = next;
      res = await request(url);
      continue;
    }
    if (res.status === 200 && url.pathname.startsWith('/interaction/')) {
      const view = (await res.json()) as InteractionView;
      const action = opts.deny ? 'abort' : view.prompt.name === 'login' ? 'login' : 'confirm';
      const body = new URLSearchParams();
      if (action === 'login') body.set('accountId', opts.accountId ?? 'user-1');
      res = await request(new URL(`/interaction/${view.uid}/${action}`, url), {
        method: 'POST',
        body,
      });
      continue;
    }
    const text = await res.text();
    throw new Error(`authorize: unexpected ${res.status} from ${url.href}: ${text.slice(0, 500)}`);
  }
  throw new Error(`authorize: more than ${MAX_HOPS} redirects starting at ${authorizationUrl}`);
}
