import getRawBody from 'raw-body';
import type { Context } from 'koa';
import { InvalidRequestError, SwitchboardError } from '../errors.js';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON body once, with the 10 MB bound, strict UTF-8 and a clear error for each way it
 * can be wrong. The parsed value is kept on ctx.state so the MCP transport reuses it.
 */
export async function readJsonBody(ctx: Context): Promise<unknown> {
  if (ctx.state.jsonBody !== undefined) return ctx.state.jsonBody;
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge(ctx);
  let raw: Buffer;
  try {
    raw = await getRawBody(ctx.req, { limit: MAX_BODY_BYTES });
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large') throw tooLarge(ctx);
    throw new InvalidRequestError('The request body could not be read');
  }
  if (raw.length === 0) {
    ctx.state.jsonBody = undefined;
    return undefined;
  }
  const type = ctx.get('content-type');
  if (type && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new InvalidRequestError('Content-Type must be application/json', { contentType: type });
  }
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new InvalidRequestError('The request body is not valid UTF-8');
  }
  try {
    ctx.state.jsonBody = JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidRequestError('The request body is not valid JSON', { reason: (error as Error).message });
  }
  return ctx.state.jsonBody;
}

function tooLarge(ctx: Context) {
  // The rest of the body is never read, so the connection can't carry another request: close it
  // after the answer rather than leave it paused until the client gives up.
  ctx.set('Connection', 'close');
  return new SwitchboardError('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`, {
    limitBytes: MAX_BODY_BYTES,
  });
}
