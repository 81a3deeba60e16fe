import { createHash } from 'node:crypto';
import { Redactor } from '../secrets/redaction.js';
import { maskUrlsIn } from '../secrets/urls.js';

/**
 * What an audit entry may keep of a request body: its shape and non-secret values. Secret-looking
 * fields are masked whole (no hint: audit rows outlive rotations); every URL in any other string,
 * keys included, loses its userinfo, query values, fragment and token-like path segments
 * (secrets/urls.ts: by value, since a URL carries keys whatever its field is called); and any
 * string that contains one of the masked fields' values has it cut out (in every form the call
 * redactor knows, secrets/redaction.ts), so a secret pasted into a name does not survive either.
 */
const SECRET_NAME =
  /(secret|passw(or)?d|token|api[-_]?key|authorization|cookie|private[-_]?key|signature|hint$|^key$|^value$|^fields$|^headers$|^env$|^values$|^credentials?$)/i;
/** Names that merely refer to a secret (tokenUrl, keyId, credentialId) are not masked whole: their URLs are masked as any other. */
const REFERENCE_NAME = /(id|ids|url|uri|type|method|expires(at|in)?|count)$/i;
const MASK = '[masked]';
/** Request bodies may nest deeper than any real one does; an audit entry keeps this much of them. */
const MAX_DEPTH = 32;
const TOO_DEEP = '[too deep]';
/**
 * An audit entry says what changed, not what was uploaded: a plugin's base64 module (up to 90 MB)
 * or any other long value is kept as its length and digest, which still tells two uploads apart.
 */
const MAX_STRING = 4096;

function summarizeLong(value: string): string {
  const digest = createHash('sha256').update(value).digest('hex');
  return `[${value.length} characters, sha256 ${digest}]`;
}

function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !REFERENCE_NAME.test(name);
}

export function maskForAudit(value: unknown, extraSecrets: readonly string[] = []): unknown {
  const secrets = new Set(extraSecrets);
  const masked = mask(value, secrets, 0);
  // Short values are left to the redactor to skip: they would cut ordinary words out of unrelated text.
  return new Redactor(secrets).value(masked);
}

function mask(value: unknown, secrets: Set<string>, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? summarizeLong(value) : maskUrlsIn(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((item) => mask(item, secrets, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([name, inner]) => {
      if (!isSecretName(name)) return [maskUrlsIn(name), mask(inner, secrets, depth + 1)];
      collectStrings(inner, secrets, depth + 1);
      return [maskUrlsIn(name), inner === undefined || inner === null ? inner : MASK];
    }),
  );
}

function collectStrings(value: unknown, into: Set<string>, depth: number) {
  if (typeof value === 'string') {
    into.add(value);
  } else if (value !== null && typeof value === 'object' && depth < MAX_DEPTH) {
    for (const inner of Object.values(value)) collectStrings(inner, into, depth + 1);
  }
}
