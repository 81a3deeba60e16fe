/**
 * Seeded generators of hostile input for the fuzz run: the same seed gives the same requests,
 * so a failure reproduces with FUZZ_SEED=<seed>.
 */

export type Random = () => number;

/** mulberry32: small, fast and good enough to pick test cases. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
export const int = (random: Random, max: number) => Math.floor(random() * max);

/** Ids aimed at routers, SQL and file paths. */
export const hostileIds = [
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f',
  "' OR 1=1 --",
  "'; DROP TABLE accounts; --",
  '" OR ""="',
  '1; SELECT pg_sleep(5)',
  '$1',
  '%00',
  '%',
  '%ZZ',
  '\\x00',
  '00000000-0000-0000-0000-000000000000',
  'a'.repeat(5000),
  '😀💥',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '-1',
  '1e309',
  '*',
  '?q=1',
  '#frag',
  '%F0%9F%98%80',
  '%C3%28',
  'CON',
  '.',
  '..',
];

const strings = [
  '',
  ' ',
  'x'.repeat(100_000),
  '\u0000',
  '\uD800',
  '<script>alert(1)</script>',
  '{{variable}}',
  '${jndi:ldap://127.0.0.1/a}',
  ...hostileIds,
];

/** Any JSON value, biased towards the ones that break parsers and validators. */
export function jsonValue(random: Random, depth = 0): unknown {
  const choice = int(random, depth > 3 ? 6 : 9);
  switch (choice) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick(random, [0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31]);
    case 3:
    case 4:
      return pick(random, strings);
    case 5:
      return `s${int(random, 1e6)}`;
    case 6:
      return Array.from({ length: int(random, 5) }, () => jsonValue(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = int(random, 6); i > 0; i--) object[pick(random, [...keys, ...strings.slice(0, 8)])] = jsonValue(random, depth + 1);
      return object;
    }
  }
}

/** Field names the API actually reads, so wrong types reach the validators and beyond. */
const keys = [
  'name', 'description', 'restrictions', 'isPublic', 'connectorId', 'actionId', 'parameters', 'credentialId',
  'authenticationType', 'fields', 'token', 'url', 'baseUrl', 'id', 'actions', 'authMethods', 'userId', 'value',
  'expiresInSeconds', 'kind', 'plan', 'steps', 'goal', 'clientId', 'clientSecret', 'headers', 'variables', '__proto__',
];

/** `[[[[…]]]]` or `{"a":{"a":…}}` nested `depth` levels: stack depth for every recursive walker. */
function deepNesting(random: Random, depth: number): string {
  return random() < 0.5 ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Bytes that are not UTF-8 inside otherwise valid JSON. */
function invalidUtf8(): Buffer {
  return Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]);
}

/** A body of some hostile kind; strings go as they are, Buffers as raw bytes. */
export function hostileBody(random: Random, shape: () => unknown): string | Buffer {
  switch (int(random, 10)) {
    case 0:
      return deepNesting(random, pick(random, [100, 5_000, 100_000]));
    case 1:
      return invalidUtf8();
    case 2:
      return pick(random, ['{', '{"a":', '[1,2', 'nul', '"\\u12"', '{"a":1}{"b":2}', '\u0000', '']);
    case 3:
      return JSON.stringify(jsonValue(random));
    default:
      return JSON.stringify(shape());
  }
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Tokens that look like our HS256 user tokens but are not: alg none, wrong key, junk claims. */
export function forgedJwt(random: Random, accountId: string): string {
  const claims = pick(random, [
    { acct: accountId, sub: 'admin', iss: 'switchboard', exp: 9_999_999_999 },
    { acct: pick(random, hostileIds), sub: 'x', iss: 'switchboard' },
    { acct: 42, sub: { nested: true } },
    { acct: accountId, sub: 'x', iss: 'switchboard', exp: 1 },
    {},
  ]);
  const header = pick(random, [{ alg: 'none', typ: 'JWT' }, { alg: 'HS256', typ: 'JWT' }, { alg: 'RS256' }, { alg: 'HS256', kid: '../../x' }]);
  const signature = pick(random, ['', base64url('forged-signature'), 'not*base64']);
  return pick(random, [
    `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}.${signature}`,
    'a.b.c',
    'not-a-jwt',
    `${base64url('{')}.${base64url('}')}.x`,
    'x'.repeat(20_000),
  ]);
}
