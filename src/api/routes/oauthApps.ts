import type { Context } from 'koa';
import { z } from 'zod';
import { deliverCallback } from '../../starters/oauth.js';
import { resolveConnector } from '../../connectors/registry.js';
import {
  getOAuthAppView,
  listOAuthAppViews,
  oauthAppInputSchema,
  oauthAppViewSchema,
  putOAuthApp,
  removeOAuthApp,
} from '../../credentials/oauthApps.js';
import { callbackContext, stateHashOf } from '../../credentials/oauthTokens.js';
import { claimCallback, findAttemptByStateHash, getAttempt } from '../../db/repositories/oauth.js';
import type { OAuthAttemptRow } from '../../db/tables/oauth.js';
import type { ApiDependencies } from '../context.js';
import { clientAddressRateLimit } from '../rateLimit.js';
import { ApiRouter, type BeforeInput } from '../routing.js';
import type { HandshakeOutcome } from '../../workflows/contracts/credentials.js';

/** How long the callback waits for the code exchange before answering with what it knows. */
const OUTCOME_WAIT_MS = 10_000;

/** Per-account OAuth client settings per connector, and the public /oauth/callback providers redirect to. */
export function oauthAppRoutes(deps: ApiDependencies): ApiRouter {
  // What a change replaces: none when there was no app yet.
  const appBefore = ({ auth, params }: BeforeInput) =>
    resolveConnector(deps.db, auth.accountId, params.connectorId!)
      .then((connector) => getOAuthAppView(deps, auth.accountId, connector))
      .catch(() => undefined);
  const router = new ApiRouter()
    .add(
      { method: 'get', path: '/api/oauth-apps', access: 'operator', summary: "List the account's OAuth apps", tag: 'OAuth apps', response: z.object({ oauthApps: z.array(oauthAppViewSchema) }) },
      async ({ auth }) => ({ oauthApps: await listOAuthAppViews(deps, auth.accountId) }),
    )
    .add(
      { method: 'get', path: '/api/oauth-apps/:connectorId', access: 'operator', summary: "Get a connector's OAuth app", tag: 'OAuth apps', response: oauthAppViewSchema },
      async ({ auth, params }) => getOAuthAppView(deps, auth.accountId, await resolveConnector(deps.db, auth.accountId, params.connectorId!)),
    )
    .add(
      {
        method: 'put',
        path: '/api/oauth-apps/:connectorId', access: 'admin',
        summary: 'Create or replace the OAuth app (client id and secret, scopes, redirect URIs) for a connector',
        tag: 'OAuth apps',
        body: oauthAppInputSchema,
        response: oauthAppViewSchema,
        auditBefore: appBefore,
      },
      async ({ auth, params, body }) =>
        putOAuthApp(deps, auth.accountId, await resolveConnector(deps.db, auth.accountId, params.connectorId!), body),
    )
    .add(
      { method: 'delete', path: '/api/oauth-apps/:connectorId', access: 'admin', summary: "Delete a connector's OAuth app", tag: 'OAuth apps', auditBefore: appBefore },
      async ({ auth, params }) => {
        await removeOAuthApp(deps.db, auth.accountId, params.connectorId!);
        return { message: 'OAuth app deleted', connectorId: params.connectorId };
      },
    );

  // Outside /api, so no API key: the provider sends the user's browser here. Answers with a redirect or a page, not JSON.
  router.operations.push({
    method: 'get',
    path: '/oauth/callback', access: 'public',
    summary: 'Where the OAuth provider returns the user (state, code or error)',
    tag: 'OAuth apps',
  });
  router.router.get('/oauth/callback', clientAddressRateLimit(deps, 'oauth-callback'), (ctx) => oauthCallback(deps, ctx));
  return router;
}

const callbackQuery = z.object({
  state: z.string().min(1).max(512),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});

async function oauthCallback(deps: ApiDependencies, ctx: Context): Promise<void> {
  // The URL carries an authorization code: keep it out of caches and out of Referer headers.
  ctx.set('cache-control', 'no-store');
  ctx.set('referrer-policy', 'no-referrer');
  const query = callbackQuery.safeParse(ctx.query);
  if (!query.success) return page(ctx, 400, 'Authorization failed', 'The callback has no valid state parameter.');

  const stateHash = stateHashOf(query.data.state);
  const attempt = await claimCallback(deps.db, stateHash, (attemptId) => deps.secretBox.seal(ctx.querystring, callbackContext(attemptId)));
  if (!attempt) {
    const known = await findAttemptByStateHash(deps.db, stateHash);
    const why = !known
      ? 'This authorization link is unknown.'
      : known.callback_at || known.status !== 'pending'
        ? 'This authorization link has already been used.'
        : 'This authorization link has expired.';
    return page(ctx, 400, 'Authorization refused', `${why} Start again from your application.`);
  }

  let outcome: HandshakeOutcome | undefined;
  try {
    const notice = {
      ...(query.data.error ? { error: query.data.error } : {}),
      ...(query.data.error_description ? { errorDescription: query.data.error_description } : {}),
    };
    outcome = await deliverCallback(deps.temporal, attempt.id, notice, OUTCOME_WAIT_MS);
  } catch (error) {
    deps.logger.warn({ attemptId: attempt.id, error: (error as Error).message }, 'oauth callback could not reach its handshake');
  }
  const final = outcome ?? (await getAttempt(deps.db, attempt.id)) ?? attempt;
  respond(ctx, attempt, outcomeOf(final));
}

interface CallbackResult {
  status: 'active' | 'pending' | 'failed';
  error?: string;
  errorDescription?: string;
}

function outcomeOf(final: HandshakeOutcome | OAuthAttemptRow): CallbackResult {
  if (final.status === 'completed') return { status: 'active' };
  if (final.status === 'pending') return { status: 'pending' };
  const error = final.error ?? 'failed';
  const description = 'errorDescription' in final ? final.errorDescription : (final as OAuthAttemptRow).error_description;
  return { status: 'failed', error, ...(description ? { errorDescription: description } : {}) };
}

function respond(ctx: Context, attempt: OAuthAttemptRow, result: CallbackResult): void {
  if (attempt.redirect_uri) {
    const target = new URL(attempt.redirect_uri);
    target.searchParams.set('credentialId', attempt.credential_id);
    target.searchParams.set('status', result.status);
    if (result.error) target.searchParams.set('error', result.error);
    if (result.errorDescription) target.searchParams.set('error_description', result.errorDescription);
    ctx.redirect(target.href);
    return;
  }
  if (result.status === 'active') return page(ctx, 200, 'Connected', 'You can close this window and return to your assistant.');
  if (result.status === 'pending') return page(ctx, 202, 'Almost done', 'The connection is being completed; you can close this window.');
  page(ctx, 400, 'Authorization failed', `${result.error}${result.errorDescription ? `: ${result.errorDescription}` : ''}`);
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

function page(ctx: Context, status: number, title: string, message: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('content-security-policy', "default-src 'none'");
  ctx.body = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}
