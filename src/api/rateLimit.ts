import type { Context, Middleware } from 'koa';
import { takeToken, type BucketDecision } from '../db/repositories/rateBuckets.js';
import { InvalidRequestError, RateLimitedError } from '../errors.js';
import { frontDoorRejections } from '../observability/metrics.js';
import { readJsonBody } from './body.js';
import type { ApiDependencies } from './context.js';

/** What one request costs: one token, or (see jsonRpcMessages) one per message it carries. */
export type RequestCost = (ctx: Context) => Promise<number>;

/** A JSON-RPC batch costs one token per message in it, so batching buys no extra calls. */
export const jsonRpcMessages: RequestCost = async (ctx) => {
  if (ctx.method !== 'POST') return 1;
  const body = await readJsonBody(ctx);
  return Array.isArray(body) ? Math.max(1, body.length) : 1;
};

/**
 * The front-door limit: RATE_LIMIT_PER_MINUTE (or perMinute) per API key or access token, shared
 * by replicas. One token is taken before the body is read, so a caller over the limit costs us no
 * parsing (by authentication itself, in the statement that found an access token:
 * ctx.state.firstToken, taken at RATE_LIMIT_PER_MINUTE); with costOf, the rest of the request's
 * cost is taken once the body says what it is.
 */
export function frontDoorRateLimit(deps: ApiDependencies, costOf?: RequestCost, perMinute = deps.config.rateLimitPerMinute): Middleware {
  return async (ctx, next) => {
    const key = ctx.state.rateLimitKey;
    if (key) {
      const refuse = (decision: BucketDecision) => {
        if (!decision.allowed) {
          frontDoorRejections.inc({ surface: ctx.path.startsWith('/mcp') ? 'mcp' : 'api' });
          throw new RateLimitedError(decision.retryAfterSeconds);
        }
      };
      const take = async (count: number) => refuse(await takeToken(deps.asyncCommitDb ?? deps.db, key, perMinute, count));
      if (ctx.state.firstToken && perMinute === deps.config.rateLimitPerMinute) refuse(ctx.state.firstToken);
      else await take(1);
      const cost = costOf ? await costOf(ctx) : 1;
      if (cost > perMinute) {
        throw new InvalidRequestError(`A batch of ${cost} messages is more than the limit of ${perMinute} per minute allows; send fewer at a time`, {
          messages: cost,
          limitPerMinute: perMinute,
        });
      }
      if (cost > 1) await take(cost - 1);
    }
    await next();
  };
}

/**
 * For public routes that have no key to count against: a bucket per client address (the TCP peer;
 * behind a reverse proxy every client shares the proxy's, so limit there as well).
 */
export function clientAddressRateLimit(deps: ApiDependencies, scope: string, perMinute = deps.config.rateLimitPerMinute): Middleware {
  const limit = frontDoorRateLimit(deps, undefined, perMinute);
  return async (ctx, next) => {
    ctx.state.rateLimitKey = `${scope}:${ctx.ip}`;
    await limit(ctx, next);
  };
}
