import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Redaction by value: every secret a call used is scrubbed from whatever leaves the call (its
 * result, its error, the log lines written meanwhile) in each form an upstream may echo it back,
 * whatever the field is named. Field-name redaction (pino's paths in log/logger.ts) stays as a
 * second net for secrets this process holds but a call did not use.
 */

const REDACTED = '[redacted]';

/** Shorter values occur by chance in ordinary text, and scrubbing them would garble answers. */
const MIN_SECRET_LENGTH = 6;
const MAX_WALK_DEPTH = 64;

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const jsonEscaped = (text: string) => JSON.stringify(text).slice(1, -1);

/**
 * The forms a secret comes back in: raw; percent-encoded (encodeURIComponent, either hex case)
 * and form-encoded, as an upstream echoing its URL or body writes it; base64 and base64url; and
 * JSON-string-escaped once and twice, as it sits in a JSON text (or in JSON inside a JSON string).
 */
export function formsOf(secret: string): string[] {
  const percent = encodeURIComponent(secret);
  const forms = [
    secret,
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    new URLSearchParams([['', secret]]).toString().slice(1),
    base64(secret),
    base64(secret).replace(/=+$/, ''),
    base64url(secret),
    jsonEscaped(secret),
    jsonEscaped(jsonEscaped(secret)),
  ];
  return [...new Set(forms)];
}

/**
 * The secret values inside authentication headers: the whole value, the token after its scheme
 * ("Bearer x", "token x"), and for Basic the decoded "user:password" and the password alone.
 */
export function secretsOfHeaderValue(value: string): string[] {
  const out = [value];
  const scheme = /^(\S+)\s+(\S+)$/.exec(value.trim());
  if (scheme) {
    out.push(scheme[2]!);
    if (scheme[1]!.toLowerCase() === 'basic') {
      const decoded = Buffer.from(scheme[2]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) out.push(decoded, decoded.slice(colon + 1));
    }
  }
  return out;
}

/** Scrubs a fixed set of secrets, in all their forms, from text and from JSON-like values. */
export class Redactor {
  private readonly secrets = new Set<string>();
  private forms: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  get size(): number {
    return this.secrets.size;
  }

  add(secrets: Iterable<string>): this {
    let changed = false;
    for (const secret of secrets) {
      if (secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) continue;
      this.secrets.add(secret);
      changed = true;
    }
    if (changed) {
      const forms = new Set([...this.secrets].flatMap(formsOf).filter((form) => form.length >= MIN_SECRET_LENGTH));
      // Longest first, so "user:password" goes as a whole before "password" is found inside it.
      this.forms = [...forms].sort((a, b) => b.length - a.length);
    }
    return this;
  }

  text(text: string): string {
    let out = text;
    for (const form of this.forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  }

  /** Strings anywhere in the value (keys too) scrubbed; other values kept as they are. */
  value<T>(value: T): T {
    if (this.forms.length === 0) return value;
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_WALK_DEPTH) return this.deep(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item, depth + 1));
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.text(key), this.walk(item, depth + 1)]));
  }

  /** Deeper than a walk should recurse: scrubbed as JSON text, or withheld when even that is too deep. */
  private deep(value: object): unknown {
    try {
      return JSON.parse(this.text(JSON.stringify(value))) as unknown;
    } catch {
      return REDACTED;
    }
  }

  /** The error scrubbed in place (message, stack, details, cause chain), so its class and fields survive. */
  error<E>(error: E): E {
    if (this.forms.length === 0) return error;
    let current: unknown = error;
    for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
      const target = current as Error & { details?: unknown };
      target.message = this.text(target.message);
      if (target.stack) target.stack = this.text(target.stack);
      if (target.details !== undefined) {
        Object.defineProperty(target, 'details', { value: this.value(target.details), writable: true, configurable: true, enumerable: true });
      }
      current = target.cause;
    }
    return error;
  }
}

const scopes = new AsyncLocalStorage<Redactor>();

/**
 * Runs one call with a redaction scope: secrets added to it (redactionScope()?.add) are scrubbed
 * from every log line written inside the call, and from its result or error when it ends.
 */
export async function withRedaction<T>(work: () => Promise<T>): Promise<T> {
  const redactor = new Redactor();
  try {
    return redactor.value(await scopes.run(redactor, work));
  } catch (error) {
    throw redactor.error(error);
  }
}

/** The current call's redactor, when inside withRedaction. */
export function redactionScope(): Redactor | undefined {
  return scopes.getStore();
}

/** For the logger: a serialized line scrubbed of the current call's secrets. */
export function scrubLogLine(line: string): string {
  const redactor = scopes.getStore();
  return redactor && redactor.size > 0 ? redactor.text(line) : line;
}

/** Each function of an activities object run in its own redaction scope (see withRedaction). */
export function redactEachCall<T extends Record<string, (...args: never[]) => Promise<unknown>>>(functions: T): T {
  return Object.fromEntries(
    Object.entries(functions).map(([name, fn]) => [name, (...args: never[]) => withRedaction(() => fn(...args))]),
  ) as T;
}

/** The secrets an authorized upstream request carries: its auth headers (see secretsOfHeaderValue) and query values. */
export function secretsOfAuth(auth: { headers: Record<string, string>; query: Record<string, string> }): string[] {
  return [...Object.values(auth.headers).flatMap(secretsOfHeaderValue), ...Object.values(auth.query)];
}

/** Text scrubbed of the current call's secrets (unchanged outside a redaction scope). */
export function scrubText(text: string): string {
  return scopes.getStore()?.text(text) ?? text;
}
