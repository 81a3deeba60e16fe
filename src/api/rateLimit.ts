import type { Middleware } from 'koa';
import { takeToken } from '../db/repositories/rateBuckets.js';
import { RateLimitedError } from '../errors.js';
import { frontDoorRejections } from '../observability/metrics.js';
import type { ApiDependencies } from './context.js';

/** The front-door limit: RATE_LIMIT_PER_MINUTE per API key or access token, shared by replicas. */
export function frontDoorRateLimit(deps: ApiDependencies): Middleware {
  return async (ctx, next) => {
    const key = ctx.state.rateLimitKey;
    if (key) {
      const decision = await takeToken(deps.db, key, deps.config.rateLimitPerMinute);
      if (!decision.allowed) {
        frontDoorRejections.inc({ surface: ctx.path.startsWith('/mcp') ? 'mcp' : 'api' });
        throw new RateLimitedError(decision.retryAfterSeconds);
      }
    }
    await next();
  };
}
