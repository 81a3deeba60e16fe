import { timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import { UnauthorizedError } from '../../errors.js';
import { metricsRegistry } from '../../observability/metrics.js';

export interface MetricsRouteOptions {
  /** Bearer token a scraper must send; undefined leaves /metrics open. */
  token?: string;
  /** Temporal's Prometheus exporter for this process (its worker and client metrics), merged in. */
  temporalMetricsUrl?: string;
}

/** GET /metrics: our registry followed by Temporal's own metrics, in one Prometheus text page. */
export function metricsRoutes(options: MetricsRouteOptions): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    if (options.token && !bearerMatches(ctx.get('authorization'), options.token)) {
      throw new UnauthorizedError('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    }
    const [ours, temporal] = await Promise.all([metricsRegistry.metrics(), temporalMetrics(options.temporalMetricsUrl)]);
    ctx.type = metricsRegistry.contentType;
    ctx.body = `${ours}\n${temporal}`;
  });
  return router;
}

function bearerMatches(header: string, token: string): boolean {
  const given = Buffer.from(header.replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** An unreachable exporter costs the scrape its Temporal part, not the whole page. */
async function temporalMetrics(url: string | undefined): Promise<string> {
  if (!url) return '';
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? await response.text() : '';
  } catch {
    return '';
  }
}
