import { SwitchboardError } from '../errors.js';
import { request as undiciRequest, type Dispatcher } from 'undici';
import { readUpTo } from './boundedBody.js';
import type { UpstreamRequest } from './request.js';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** True when the body was longer than the limit (UPSTREAM_MAX_RESPONSE_BYTES) and reading stopped there. */
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
  limits: { totalTimeoutMs: number; maxResponseBytes: number },
  /** Aborts the exchange: the attempt was cancelled or given up, or the worker is stopping. */
  signal?: AbortSignal,
): Promise<UpstreamResponse> {
  const response = await undiciRequest(request.url, {
    dispatcher,
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
    signal: signal ? AbortSignal.any([AbortSignal.timeout(limits.totalTimeoutMs), signal]) : AbortSignal.timeout(limits.totalTimeoutMs),
  });
  // A runaway body must not exhaust the worker's memory: the first maxResponseBytes are kept, shown cut.
  const { bytes, cut } = await readUpTo(response.body, limits.maxResponseBytes);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: response.statusCode, headers, text: bytes.toString('utf8'), cut };
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
