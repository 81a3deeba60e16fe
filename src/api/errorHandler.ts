import type { Middleware } from 'koa';
import { z } from 'zod';
import { AccountBusyError, InvalidRequestError, isTemporalUnavailable, RateLimitedError, SwitchboardError } from '../errors.js';
import type { Logger } from '../observability/logger.js';

/** Turns a zod failure into INVALID_REQUEST naming each bad field. */
export function invalidRequestFromZod(error: z.ZodError, message = 'The request is invalid'): InvalidRequestError {
  return new InvalidRequestError(message, {
    issues: error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || '(body)',
      message: issue.message,
    })),
  });
}

/** Maps low-level failures (a database that went away) to the documented error format. */
/**
 * A database that went away: socket errors, PostgreSQL's shutdown and connection classes, and
 * pg's own code-less messages for a connection lost mid-query or a pool that cannot connect,
 * possibly wrapped by the layer that ran the query.
 */
function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTCONN|EHOSTUNREACH|57P0[1-3]|08\d{3})$/.test(code)) {
      return true;
    }
    const message = (current as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed/.test(message)
    ) {
      return true;
    }
  }
  return false;
}

export function toSwitchboardError(error: unknown): SwitchboardError {
  if (error instanceof SwitchboardError) return error;
  if (error instanceof z.ZodError) return invalidRequestFromZod(error);
  const code = (error as { code?: unknown }).code;
  if (isDatabaseUnavailable(error)) {
    return new SwitchboardError('SERVICE_UNAVAILABLE', 'The database is unavailable; try again shortly');
  }
  if (isTemporalUnavailable(error)) {
    return new SwitchboardError('SERVICE_UNAVAILABLE', 'The workflow service is unavailable; try again shortly');
  }
  // PostgreSQL's data exceptions (a NUL byte in an id, a value too long for its column) come from
  // what the caller sent, not from a fault of ours.
  if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) {
    return new InvalidRequestError('A value in the request cannot be stored or looked up', { reason: (error as Error).message });
  }
  return new SwitchboardError('INTERNAL_ERROR', 'Internal error');
}

export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new SwitchboardError('NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
      }
      // The router answers a method a path doesn't take (405) or one it doesn't know at all (501,
      // e.g. PROPFIND) with plain text; both are the caller's mistake, said in our format.
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) {
        const allow = ctx.response.get('allow');
        const failure = new InvalidRequestError(`${ctx.method} is not allowed on ${ctx.path}`, allow ? { allow: allow.split(/,\s*/) } : {});
        ctx.status = 405;
        ctx.body = ctx.path.startsWith('/mcp') ? jsonRpcErrorBody(failure) : failure.toBody();
      }
    } catch (error) {
      const failure = toSwitchboardError(error);
      if (failure.code === 'INTERNAL_ERROR' || failure.code === 'SERVICE_UNAVAILABLE') {
        logger.error({ err: error, method: ctx.method, path: ctx.path }, 'request failed');
      }
      if (failure instanceof RateLimitedError || failure instanceof AccountBusyError) ctx.set('Retry-After', String(failure.retryAfterSeconds));
      if (failure.code === 'SERVICE_UNAVAILABLE') ctx.set('Retry-After', '5');
      ctx.status = failure.status;
      ctx.body = ctx.path.startsWith('/mcp') ? jsonRpcErrorBody(failure) : failure.toBody();
    }
  };
}

/**
 * /mcp speaks JSON-RPC, so refusals before the protocol layer (auth, rate limit, bad body) use its
 * error object; our code and details travel in `data`.
 */
function jsonRpcErrorBody(failure: SwitchboardError) {
  const code = failure.code === 'INVALID_REQUEST' && failure.message.includes('JSON') ? -32700 : -32000;
  return {
    jsonrpc: '2.0',
    error: { code, message: failure.message, data: failure.toBody().error },
    id: null,
  };
}
