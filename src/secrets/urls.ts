/**
 * What a stored or exported copy of a URL may keep: services put keys in every part of one
 * (https://user:KEY@host, ?api_key=KEY, /mcp/KEY/sse, #access_token=KEY), and no field name says
 * which. So a URL is masked by its shape, whoever wrote it and whatever the field is called: the
 * scheme, host, port and ordinary path segments stay readable (enough to tell which service was
 * meant); userinfo, every query value, the fragment and path segments that look like tokens
 * become [masked].
 */

const MASK = '[masked]';

/**
 * An absolute URL inside any text, up to the first character a URL does not hold unescaped
 * ({{variables}} kept whole). The scheme is bounded so that a long run like "a.a.a.…" costs a
 * linear scan, not one to its end from every position.
 */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]{0,31}:\/\/(?:[^\s"'<>\\`{}|^]|\{\{[^{}\s]*\}\})*/gi;
const SCHEME = /^[a-z][a-z0-9+.-]{0,31}:\/\//i;
/** {{name}}: a reference to an account variable, not a secret itself. */
const VARIABLE = /^\{\{[^{}]*\}\}$/;

/**
 * A path segment or query name that reads as a key rather than a word: 16 characters or more
 * mixing letters and digits (sk-live-4f5e…, a JWT, a UUID), or 32 or more of anything. Words and
 * method names (v1, mcp, authorization-server, chat.postMessage) stay readable; an id that looks
 * like a token is masked with them, which costs a reader a detail, never a secret.
 */
function looksLikeToken(segment: string): boolean {
  if (VARIABLE.test(segment)) return false;
  if (segment.length >= 32) return true;
  return segment.length >= 16 && /[0-9]/.test(segment) && /[A-Za-z]/.test(segment);
}

/** The port's colon, outside an IPv6 literal's brackets; -1 without one. */
function portColon(hostPort: string): number {
  return hostPort.replace(/\[[^\]]*\]/g, (literal) => '_'.repeat(literal.length)).indexOf(':');
}

/** A "port" that is not a number: a password typed with a raw "/", "?" or "#" (not a valid URL, but what a caller may send). */
function hasOddPort(hostPort: string): boolean {
  const colon = portColon(hostPort);
  return colon >= 0 && !/^\d*$/.test(hostPort.slice(colon + 1));
}

/**
 * user:password@host:port → [masked]@host:port. With an odd port (hasOddPort) the userinfo runs
 * to the last "@" before the query, and with no "@" at all the "port" itself is masked.
 */
function splitAuthority(beforeQuery: string): { authority: string; path: string } {
  const firstSlash = beforeQuery.indexOf('/');
  let end = firstSlash < 0 ? beforeQuery.length : firstSlash;
  const lastAt = beforeQuery.lastIndexOf('@');
  if (lastAt > end && hasOddPort(beforeQuery.slice(0, end))) {
    const slash = beforeQuery.indexOf('/', lastAt);
    end = slash < 0 ? beforeQuery.length : slash;
  }
  const raw = beforeQuery.slice(0, end);
  const at = raw.lastIndexOf('@');
  const hostPort = raw.slice(at + 1);
  const host = hasOddPort(hostPort) ? `${hostPort.slice(0, portColon(hostPort))}:${MASK}` : hostPort;
  return { authority: at < 0 ? host : `${MASK}@${host}`, path: beforeQuery.slice(end) };
}

function maskPath(path: string): string {
  return path
    .split('/')
    .map((segment) => (looksLikeToken(segment) ? MASK : segment))
    .join('/');
}

/**
 * Every value goes, whatever its name (no list of names covers what services call their keys), and
 * so does a part with no name; a {{variable}} reference stays, as it holds no secret itself.
 */
function maskQuery(query: string): string {
  const parts = query.split('&').map((part) => {
    const equals = part.indexOf('=');
    if (equals < 0) return part === '' ? part : MASK;
    const name = part.slice(0, equals);
    const value = part.slice(equals + 1);
    return `${looksLikeToken(name) ? MASK : name}=${value === '' || VARIABLE.test(value) ? value : MASK}`;
  });
  return parts.join('&');
}

/** One absolute URL with its secrets masked; a string that is not one is returned as it is. */
export function maskUrl(url: string): string {
  const scheme = SCHEME.exec(url)?.[0];
  if (!scheme) return url;
  const rest = url.slice(scheme.length);
  const queryAt = rest.search(/[?#]/);
  const beforeQuery = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const after = queryAt < 0 ? '' : rest.slice(queryAt);
  const hashAt = after.indexOf('#');
  const query = after.startsWith('?') ? (hashAt < 0 ? after.slice(1) : after.slice(1, hashAt)) : undefined;
  const fragment = hashAt < 0 ? undefined : after.slice(hashAt + 1);
  const { authority, path } = splitAuthority(beforeQuery);
  return `${scheme}${authority}${maskPath(path)}${query === undefined ? '' : `?${maskQuery(query)}`}${fragment === undefined ? '' : `#${fragment ? MASK : ''}`}`;
}

/** Every absolute URL inside the text masked (maskUrl), the rest of the text kept. */
export function maskUrlsIn(text: string): string {
  return text.includes('://') ? text.replace(URL_IN_TEXT, maskUrl) : text;
}

const decoded = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

/**
 * What maskUrl hides of a URL, decoded: the values a call through it scrubs from whatever comes
 * back (a server echoing its own URL in an error or a result), as it scrubs its header values.
 */
export function secretsOfUrl(url: URL): string[] {
  const query = [...url.searchParams].flatMap(([name, value]) => (looksLikeToken(name) ? [name, value] : [value]));
  const segments = url.pathname.split('/').map(decoded).filter(looksLikeToken);
  return [decoded(url.username), decoded(url.password), ...query, ...segments, decoded(url.hash.slice(1))].filter((part) => part !== '');
}
