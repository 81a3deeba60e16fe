import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { ApiDependencies } from '../context.js';
import { ApiRouter } from '../routing.js';
import { NotFoundError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import { buildConsoleAssets, type ConsoleAsset } from '../consoleAssets.js';

/**
 * Everything the page loads comes from this origin, no inline script or style runs, and it
 * cannot be framed: the page holds an API key, so an injected script or a clickjacking frame
 * would be worth a lot.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** GET /console: the admin page. Public (the page signs in with an API key it keeps in sessionStorage). */
export function consoleRoutes(logger: Logger): Router {
  let assets: Promise<Map<string, ConsoleAsset>> | undefined;
  const load = () => {
    assets ??= buildConsoleAssets().catch((error: unknown) => {
      assets = undefined;
      logger.error({ err: error }, 'building the console failed');
      throw error;
    });
    return assets;
  };
  // Warm up so the first visitor does not wait for the bundle; failures surface on request.
  load().catch(() => undefined);

  const router = new Router();
  const serve = async (ctx: Context, name: string) => {
    const asset = (await load()).get(name);
    if (!asset) throw new NotFoundError('No such console file');
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = asset.contentType;
    ctx.body = asset.body;
  };
  // The router matches /console and /console/ alike; relative asset paths need the slash.
  router.get('/console', (ctx) => (ctx.path.endsWith('/') ? serve(ctx, 'index.html') : ctx.redirect('/console/')));
  router.get('/console/:file', (ctx) => serve(ctx, ctx.params.file!));
  return router;
}

/** What the page needs to know about this deployment, behind API auth like the rest of /api. */
export function consoleConfigRoutes(deps: Pick<ApiDependencies, 'config'>): ApiRouter {
  return new ApiRouter().add(
    {
      method: 'get',
      path: '/api/console/config', access: 'user',
      summary: 'Settings the admin console needs: where the Temporal UI is, and who is signed in',
      tag: 'Console',
      response: z.object({ temporalUiUrl: z.string(), namespace: z.string(), accountId: z.string(), userId: z.string() }),
    },
    async ({ auth }) => ({
      temporalUiUrl: deps.config.temporal.uiUrl,
      namespace: deps.config.temporal.namespace,
      accountId: auth.accountId,
      userId: auth.userId,
    }),
  );
}
