import { isIP } from 'node:net';
import cors from '@koa/cors';
import type { Context, Middleware } from 'koa';
import { ForbiddenError } from '../errors.js';

/**
 * Which browsers may call /mcp and /api. A page elsewhere that a user happens to open must not
 * drive their local or intranet Switchboard: the MCP spec requires servers to validate Origin,
 * and to refuse DNS rebinding (a name the attacker controls, resolved to our address).
 *
 * - Host: an IP literal or localhost (no attacker owns those names), or the host name of
 *   PUBLIC_URL or of an ALLOWED_ORIGINS entry. A missing Host (HTTP/1.0 tools) passes.
 * - Origin: absent (not a browser), PUBLIC_URL's origin, an ALLOWED_ORIGINS entry, or the
 *   request's own Host (the console, reached under whichever accepted name). Anything else,
 *   "null" included, is refused with 403 FORBIDDEN.
 * - Allowed origins other than the request's own get CORS answers, preflights included.
 *
 * Only /mcp and /api: health probes, the console's files and OAuth callbacks are probes or navigations.
 */
export function browserOriginGuard(options: { publicUrl: string; allowedOrigins: readonly string[] }): Middleware {
  const origins = new Set([new URL(options.publicUrl).origin, ...options.allowedOrigins]);
  const hostnames = new Set([...origins].map((origin) => new URL(origin).hostname));

  const hostAllowed = (host: string): boolean => {
    if (!host) return true;
    if (!URL.canParse(`http://${host}`)) return false;
    const hostname = new URL(`http://${host}`).hostname;
    return hostname === 'localhost' || isIP(hostname.replace(/^\[|\]$/g, '')) !== 0 || hostnames.has(hostname);
  };

  const originAllowed = (ctx: Context, origin: string): boolean =>
    origins.has(origin) || (URL.canParse(origin) && new URL(origin).origin === origin && new URL(origin).host === ctx.get('host'));

  const guard: Middleware = async (ctx, next) => {
    const host = ctx.get('host');
    if (!hostAllowed(host)) {
      throw new ForbiddenError(`Host "${host.slice(0, 200)}" is not served here; add its origin to ALLOWED_ORIGINS to use this name`, {
        host: host.slice(0, 200),
      });
    }
    const origin = ctx.get('origin');
    if (origin && !originAllowed(ctx, origin)) {
      throw new ForbiddenError(`Origin "${origin.slice(0, 200)}" may not call this server; add it to ALLOWED_ORIGINS to allow it`, {
        origin: origin.slice(0, 200),
      });
    }
    await next();
  };

  const crossOrigin = cors({
    // The guard already refused any other origin; same-origin requests need no CORS headers.
    origin: (ctx) => {
      const origin = ctx.get('origin');
      return origins.has(origin) && new URL(origin).host !== ctx.get('host') ? origin : '';
    },
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposeHeaders: ['Mcp-Session-Id', 'Mcp-Protocol-Version', 'Retry-After', 'WWW-Authenticate'],
    maxAge: 600,
  });

  return (ctx, next) => (/^\/(mcp|api)(\/|$)/.test(ctx.path) ? guard(ctx, () => crossOrigin(ctx, next)) : next());
}
