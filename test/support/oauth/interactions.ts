import type { IncomingMessage } from 'node:http';

import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';

const INTERACTION_PREFIX = '/interaction/';

/** Reads a small request body ourselves: the provider's own parser only runs on its routes. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > 64 * 1024) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseForm(contentType: string | undefined, raw: string): Record<string, string> {
  if (raw === '') return {};
  if (contentType?.includes('application/json')) {
    const parsed: unknown = JSON.parse(raw);
    if (parsed === null || typeof parsed !== 'object') return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

/**
 * The "login and consent UI" a real authorization server would render.
 * Here it is a tiny JSON API so TestBrowser (and tests) can drive it with
 * plain fetch:
 *   GET  /interaction/:uid          -> { uid, prompt: { name, reasons, details }, params, accountId }
 *   POST /interaction/:uid/login    (accountId)  -> 303 back to the provider
 *   POST /interaction/:uid/confirm                -> 303, grants every missing scope
 *   POST /interaction/:uid/abort                  -> 303, resolves to access_denied
 */
export function interactionRoutes(provider: Provider): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith(INTERACTION_PREFIX)) {
      await next();
      return;
    }
    const [uid, action, ...rest] = ctx.path.slice(INTERACTION_PREFIX.length).split('/');
    try {
      if (!uid || rest.length > 0) {
        ctx.throw(404);
      }
      if (ctx.method === 'GET' && action === undefined) {
        const details = await provider.interactionDetails(ctx.req, ctx.res);
        ctx.body = {
          uid: details.uid,
          prompt: details.prompt,
          params: details.params,
          accountId: details.session?.accountId ?? null,
        };
        return;
      }
      if (ctx.method !== 'POST') ctx.throw(405);

      const form = parseForm(ctx.get('content-type'), await readBody(ctx.req));
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      // The cookie-bound interaction must be the one named in the URL, as a real UI would check.
      if (details.uid !== uid) ctx.throw(400, 'interaction uid mismatch');

      const result = await resultFor(provider, action, details, form);
      // interactionFinished writes the 303 to the raw response itself.
      ctx.respond = false;
      await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    } catch (err) {
      ctx.respond = true;
      const e = err as { status?: number; statusCode?: number; message?: string; error?: string };
      ctx.status = e.status ?? e.statusCode ?? 500;
      ctx.body = { error: e.error ?? 'interaction_failed', error_description: e.message };
    }
  };
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

async function resultFor(
  provider: Provider,
  action: string | undefined,
  details: Details,
  form: Record<string, string>,
): Promise<InteractionResults> {
  const promptName = details.prompt.name;
  switch (action) {
    case 'login':
      if (promptName !== 'login') throw httpError(400, `prompt is ${promptName}, not login`);
      return { login: { accountId: form.accountId || 'user-1' } };
    case 'confirm':
      if (promptName !== 'consent') throw httpError(400, `prompt is ${promptName}, not consent`);
      return { consent: { grantId: await grantMissing(provider, details) } };
    case 'abort':
      return { error: 'access_denied', error_description: form.reason || 'End-User aborted interaction' };
    default:
      throw httpError(404, 'unknown interaction action');
  }
}

/** Grants exactly what the consent prompt says is missing (the "Allow" button). */
async function grantMissing(provider: Provider, details: Details): Promise<string> {
  const { prompt, params, session } = details;
  const accountId = session?.accountId;
  const clientId = params.client_id;
  if (typeof accountId !== 'string' || typeof clientId !== 'string') {
    throw httpError(400, 'consent without a logged-in session');
  }
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });

  const missing = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}
