import Koa from 'koa';
import type { Logger } from '../log/logger.js';
import { errorHandler } from './errorHandler.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';

export interface AppDependencies {
  logger: Logger;
  readinessChecks: ReadinessCheck[];
}

export function createApp(deps: AppDependencies): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true;
  app.use(requestLog(deps.logger));
  app.use(errorHandler(deps.logger));
  const health = healthRoutes(deps.readinessChecks);
  app.use(health.routes()).use(health.allowedMethods());
  return app;
}

function requestLog(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      if (ctx.path !== '/healthz' && ctx.path !== '/readyz') {
        logger.debug(
          { method: ctx.method, path: routePathForLog(ctx.path), status: ctx.status, ms: Math.round(performance.now() - started) },
          'request',
        );
      }
    }
  };
}

/** The token in /mcp/:serverId/:accessToken is a credential: it never reaches a log line. */
function routePathForLog(path: string): string {
  return path.replace(/^(\/mcp\/[^/]+\/)[^/]+/, '$1[redacted]');
}
