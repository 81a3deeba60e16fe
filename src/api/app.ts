import Router from '@koa/router';
import type { Tracer } from '@opentelemetry/api';
import Koa from 'koa';
import { consoleConfigRoutes, consoleRoutes } from './routes/console.js';
import type { Logger } from '../observability/logger.js';
import { auditTrail } from './audit.js';
import { metricsRoutes, type MetricsRouteOptions } from './routes/metrics.js';
import { withToolMetrics } from './mcp/toolMetrics.js';
import { requestSpans } from '../observability/tracing.js';
import { apiAuth } from './auth.js';
import type { ApiDependencies } from './context.js';
import { errorHandler } from './errorHandler.js';
import { adminServerTools, allTools } from './mcp/tools/index.js';
import { mcpRoutes } from './mcp/route.js';
import { buildOpenApiDocument } from './openapi.js';
import { browserOriginGuard } from './origin.js';
import { frontDoorRateLimit } from './rateLimit.js';
import { signinRoutes } from './signin/routes.js';
import type { ApiRouter } from './routing.js';
import { approvalRoutes } from './routes/approvals.js';
import { auditRoutes } from './routes/audit.js';
import { clientMetadataRoutes } from './routes/clientMetadata.js';
import { connectorRoutes } from './routes/connectors.js';
import { credentialRoutes } from './routes/credentials.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { keyRoutes } from './routes/keys.js';
import { runRoutes } from './routes/runs.js';
import { registryRoutes } from './routes/registry.js';
import { remoteMcpRoutes } from './routes/remoteMcp.js';
import { pluginRoutes } from './routes/plugins.js';
import { oauthAppRoutes } from './routes/oauthApps.js';
import { serverRoutes } from './routes/servers.js';

export interface AppOptions {
  logger: Logger;
  readinessChecks: ReadinessCheck[];
  metrics: MetricsRouteOptions;
  /** Set when tracing is on: each request gets a server span. */
  tracer?: Tracer;
  /** Absent in worker processes, which serve health only. */
  api?: ApiDependencies;
}

export function createApp(options: AppOptions): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true;
  if (options.tracer) app.use(requestSpans(options.tracer, routePathForLog));
  app.use(requestLog(options.logger));
  app.use(errorHandler(options.logger));
  const health = healthRoutes(options.readinessChecks);
  app.use(health.routes()).use(health.allowedMethods());
  app.use(metricsRoutes(options.metrics).routes());
  if (options.api) mountApi(app, options.api);
  return app;
}

function mountApi(app: Koa, deps: ApiDependencies) {
  const routers: ApiRouter[] = [serverRoutes(deps), keyRoutes(deps), connectorRoutes(deps), credentialRoutes(deps), oauthAppRoutes(deps), clientMetadataRoutes(deps), remoteMcpRoutes(deps), registryRoutes(deps), pluginRoutes(deps), runRoutes(deps), approvalRoutes(deps), auditRoutes(deps), consoleConfigRoutes(deps)];
  const openApiDocument = buildOpenApiDocument(
    routers.flatMap((router) => router.operations),
    deps.publicUrl,
  );

  app.use(browserOriginGuard({ publicUrl: deps.publicUrl, allowedOrigins: deps.config.allowedOrigins }));
  const publicRoutes = new Router();
  publicRoutes.get('/api/openapi.json', (ctx) => {
    ctx.body = openApiDocument;
  });
  app.use(publicRoutes.routes());
  app.use(consoleRoutes(deps.logger).routes());

  if (deps.signin) app.use(signinRoutes({ ...deps, signin: deps.signin }));
  const mcp = mcpRoutes(deps, { standard: allTools.map(withToolMetrics), admin: adminServerTools.map(withToolMetrics) });
  app.use(mcp.routes()).use(mcp.allowedMethods());

  const api = new Router();
  api.use('/api', apiAuth(deps), auditTrail(deps), frontDoorRateLimit(deps));
  for (const { router } of routers) api.use(router.routes(), router.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
}

function requestLog(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      if (ctx.path !== '/healthz' && ctx.path !== '/readyz' && ctx.path !== '/metrics') {
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
