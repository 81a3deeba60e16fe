import { SwitchboardError } from '../errors.js';
import { request as undiciRequest, type Dispatcher } from 'undici';
import type { UpstreamRequest } from './request.js';

/** Reading stops here: a runaway upstream body must not exhaust the worker's memory. */
const MAX_UPSTREAM_BODY_BYTES = 5 * 1024 * 1024;

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** True when the body was longer than MAX_UPSTREAM_BODY_BYTES and reading stopped. */
  cut: boolean;
}

/** Failures where the request never left us, so even a non-idempotent call is safe to retry. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function errorCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function wasNotSent(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/**
 * One HTTP exchange. undici's request follows no redirects (a redirect could lead anywhere,
 * past the egress check); a 3xx comes back as the upstream's answer.
 */
export async function callUpstream(
  dispatcher: Dispatcher,
  request: UpstreamRequest,
  totalTimeoutMs: number,
  /** Aborts the exchange: the attempt was cancelled or given up. */
  signal?: AbortSignal,
): Promise<UpstreamResponse> {
  const response = await undiciRequest(request.url, {
    dispatcher,
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
    signal: signal ? AbortSignal.any([AbortSignal.timeout(totalTimeoutMs), signal]) : AbortSignal.timeout(totalTimeoutMs),
  });
  const chunks: Buffer[] = [];
  let size = 0;
  let cut = false;
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    if (size + buffer.length > MAX_UPSTREAM_BODY_BYTES) {
      chunks.push(buffer.subarray(0, MAX_UPSTREAM_BODY_BYTES - size));
      cut = true;
      break;
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  if (cut) response.body.destroy();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: response.statusCode, headers, text: Buffer.concat(chunks).toString('utf8'), cut };
}

/** Our own errors (an egress refusal from the guarded DNS lookup) may arrive wrapped by undici. */
export function switchboardErrorIn(error: unknown): SwitchboardError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof SwitchboardError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
