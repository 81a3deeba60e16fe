import type { Config } from '../config.js';
import { SwitchboardError } from '../errors.js';

/**
 * Every body we read from a peer (a SaaS API, a remote MCP server, an OAuth endpoint) is counted
 * while it streams in, and reading stops the moment it passes its limit: a hostile or broken
 * peer answering 300 MB costs the limit, not 300 MB (or, parsed, gigabytes). Counted after
 * decompression, so a small gzip bomb is cut like a large body.
 */

/** A byte limit and the configuration variable that sets it, named when it refuses an answer. */
export interface ByteLimit {
  bytes: number;
  setting: string;
}

/** The configured limits: any one answer of a SaaS API or remote MCP server, and of an OAuth or OpenID endpoint. */
export function responseLimits(config: Pick<Config, 'upstream'>): { upstream: ByteLimit; oauth: ByteLimit } {
  return {
    upstream: { bytes: config.upstream.maxResponseBytes, setting: 'UPSTREAM_MAX_RESPONSE_BYTES' },
    oauth: { bytes: config.upstream.maxOAuthResponseBytes, setting: 'OAUTH_MAX_RESPONSE_BYTES' },
  };
}

const KIB = 1024;
const MIB = 1024 * 1024;
const oneDecimal = (value: number) => Number(value.toFixed(1));

/** 5 MiB, 64 KiB, 1.5 MiB: how sizes and limits are named in messages. */
export function sizeOf(bytes: number): string {
  if (bytes >= MIB) return `${oneDecimal(bytes / MIB)} MiB`;
  if (bytes >= KIB) return `${oneDecimal(bytes / KIB)} KiB`;
  return `${bytes} bytes`;
}

/**
 * A peer answered more than its limit: reading stopped there and the connection was dropped. No
 * retry fixes it (the same request gets the same answer), hence UPSTREAM_REJECTED.
 */
export class ResponseTooLargeError extends SwitchboardError {
  constructor(host: string, limit: ByteLimit) {
    super('UPSTREAM_REJECTED', `${host} answered more than ${sizeOf(limit.bytes)} (${limit.setting}); reading stopped there`, {
      host,
      reason: 'too-large',
      limitBytes: limit.bytes,
      setting: limit.setting,
    });
  }
}

/**
 * The response with its body counted as it streams: past the limit the body errors with
 * ResponseTooLargeError (whoever reads it, json() or an SSE parser, gets that error) and the
 * source is cancelled, which closes the connection. A Content-Length over the limit is refused
 * before anything is read. `onOverflow` hears of it too, for a reader that would swallow the
 * error (the MCP SDK only reports a broken SSE stream to onerror).
 */
export function capResponse(response: Response, limit: ByteLimit, host: string, onOverflow?: (error: ResponseTooLargeError) => void): Response {
  const overflow = () => {
    const error = new ResponseTooLargeError(host, limit);
    onOverflow?.(error);
    return error;
  };
  if (Number(response.headers.get('content-length')) > limit.bytes) {
    response.body?.cancel().catch(() => undefined);
    throw overflow();
  }
  if (!response.body) return response;
  let seen = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit.bytes) controller.error(overflow());
        else controller.enqueue(chunk);
      },
    }),
  );
  const capped = new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  // A constructed Response has no URL; readers resolve relative Locations against it.
  Object.defineProperty(capped, 'url', { value: response.url });
  return capped;
}

/** A fetch (the same signature in, the same out) whose every answer is capped by capResponse. */
export function cappedFetch<Init>(
  fetch: (url: string | URL, init: Init) => Promise<Response>,
  limit: ByteLimit,
  onOverflow?: (error: ResponseTooLargeError) => void,
): (url: string | URL, init: Init) => Promise<Response> {
  return async (url, init) => capResponse(await fetch(url, init), limit, new URL(url).host, onOverflow);
}

/**
 * The first `limit` bytes of a body and whether there was more: for answers still worth showing
 * cut (a SaaS API's, as truncated text). Leaving the loop at the limit destroys the stream (Node's
 * and web streams' async iterators both do), so nothing past it is read.
 */
export async function readUpTo(body: AsyncIterable<Uint8Array>, limit: number): Promise<{ bytes: Buffer; cut: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (size + buffer.length > limit) {
      chunks.push(buffer.subarray(0, limit - size));
      return { bytes: Buffer.concat(chunks), cut: true };
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  return { bytes: Buffer.concat(chunks), cut: false };
}
