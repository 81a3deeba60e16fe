import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { InteractionResults, default as ProviderType } from 'oidc-provider';
import { getServer } from '../../db/repositories/servers.js';
import type { ServerRow } from '../../db/tables/servers.js';
import { InvalidRequestError, NotFoundError } from '../../errors.js';
import { serverIdParam } from '../../servers/schemas.js';
import { refusalOfUser } from '../../policy/use.js';
import { recordAudit } from '../audit.js';
import { clientAddressRateLimit } from '../rateLimit.js';
import type { ApiDependencies } from '../context.js';
import { userIdSchema } from '../userTokens.js';
import { UpstreamSignin, type PendingUpstreamLogin } from './upstream.js';
import { PostgresSigninAdapter } from './adapter.js';
import { isClientIdUrl } from './clientIdDocuments.js';
import { MCP_SCOPE, resourceUrlOf, serverIdOfResource, SIGNIN_PREFIX, type SigninService } from './provider.js';

const MAX_FORM_BYTES = 16 * 1024;
const UPSTREAM_LOGIN_TTL_SECONDS = 600;

/**
 * The protected-resource metadata of each server (RFC 9728), the authorization server's own
 * endpoints (oidc-provider, under /oauth2 and its discovery documents), and the sign-in and
 * consent page it sends people to.
 */
export function signinRoutes(deps: ApiDependencies & { signin: SigninService }): Middleware {
  const router = new Router();
  const { signin, publicUrl } = deps;
  const upstream = deps.config.signin.upstream
    ? new UpstreamSignin(deps.config.signin.upstream, `${publicUrl}${SIGNIN_PREFIX}/interaction/callback`)
    : undefined;
  const pendingLogins = new PostgresSigninAdapter('UpstreamLogin', deps.db, deps.secretBox);

  router.get('/.well-known/oauth-protected-resource/mcp/:serverId', async (ctx) => {
    const server = await knownServer(deps, ctx.params.serverId);
    ctx.set('access-control-allow-origin', '*');
    ctx.body = {
      resource: resourceUrlOf(publicUrl, server.id),
      authorization_servers: [signin.issuer],
      scopes_supported: [MCP_SCOPE],
      bearer_methods_supported: ['header'],
      resource_name: server.name,
    };
  });

  // The provider sends the browser back here; the interaction is found from the state, not a cookie.
  router.get(`${SIGNIN_PREFIX}/interaction/callback`, async (ctx) => {
    if (!upstream) throw new NotFoundError('No sign-in provider is configured');
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const pending = state ? ((await pendingLogins.find(state)) as PendingUpstreamLogin | undefined) : undefined;
    if (!pending) throw new InvalidRequestError('This sign-in expired or was already used; start again from the client');
    await pendingLogins.destroy(state);
    const provider = await signin.provider();
    const interaction = await provider.Interaction.find(pending.uid);
    if (!interaction) throw new InvalidRequestError('This sign-in expired; start again from the client');
    const userId = userIdSchema.safeParse(await upstream.finish(new URL(ctx.href), state, pending));
    if (!userId.success) throw new InvalidRequestError('The sign-in provider named a user id Switchboard cannot use');
    const server = await serverOfInteraction(deps, interaction.params.resource);
    interaction.result = await signInResult(deps, provider, ctx, server, userId.data, String(interaction.params.client_id), interaction.params.scope);
    await interaction.save(Math.max(interaction.exp - Math.floor(Date.now() / 1000), 1));
    ctx.redirect(interaction.returnTo);
  });

  router.get(`${SIGNIN_PREFIX}/interaction/:uid`, async (ctx) => {
    const provider = await signin.provider();
    const details = await currentInteraction(provider, ctx);
    if (details.uid !== ctx.params.uid) throw new InvalidRequestError('This sign-in is not the one in progress');
    const server = await serverOfInteraction(deps, details.params.resource);
    const clientId = String(details.params.client_id);
    const client = await provider.Client.find(clientId);
    consentPage(ctx, {
      uid: details.uid,
      serverName: server.name,
      clientName: client?.clientName ?? clientId,
      // A client id document's name is the client's own claim: its host is what vouches for it.
      ...(isClientIdUrl(clientId) ? { publisherHost: safeHost(clientId) } : {}),
      redirectHost: safeHost(String(details.params.redirect_uri ?? '')),
      devLogin: deps.config.signin.devLogin,
      ...(upstream ? { upstreamHost: safeHost(upstream.issuer) } : {}),
      ...(details.session?.accountId ? { userId: details.session.accountId } : {}),
    });
  });

  router.post(`${SIGNIN_PREFIX}/interaction/:uid/upstream`, async (ctx) => {
    if (!upstream) throw new NotFoundError('No sign-in provider is configured');
    const provider = await signin.provider();
    const details = await currentInteraction(provider, ctx);
    if (details.uid !== ctx.params.uid) throw new InvalidRequestError('This sign-in is not the one in progress');
    const { url, state, pending } = await upstream.start(details.uid);
    await pendingLogins.upsert(state, { ...pending }, UPSTREAM_LOGIN_TTL_SECONDS);
    ctx.redirect(url.href);
  });

  router.post(`${SIGNIN_PREFIX}/interaction/:uid/login`, async (ctx) => {
    const provider = await signin.provider();
    const details = await currentInteraction(provider, ctx);
    if (details.uid !== ctx.params.uid) throw new InvalidRequestError('This sign-in is not the one in progress');
    if (!deps.config.signin.devLogin) throw new NotFoundError('The development sign-in is off');
    const server = await serverOfInteraction(deps, details.params.resource);
    const parsed = userIdSchema.safeParse((await readForm(ctx)).get('userId'));
    if (!parsed.success) throw new InvalidRequestError('userId is not a valid user id', { field: 'userId' });
    const result = await signInResult(deps, provider, ctx, server, parsed.data, String(details.params.client_id), details.params.scope);
    ctx.respond = false;
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  });

  router.post(`${SIGNIN_PREFIX}/interaction/:uid/abort`, async (ctx) => {
    const provider = await signin.provider();
    ctx.respond = false;
    await provider.interactionFinished(ctx.req, ctx.res, { error: 'access_denied', error_description: 'The user declined' }, { mergeWithLastSubmission: false });
  });

  // Everything else under /oauth2 and the discovery documents is oidc-provider's.
  const delegate = async (ctx: Context) => {
    const provider = await signin.provider();
    // RFC 8414 metadata is the OpenID discovery document: same fields, one source.
    if (ctx.path === '/.well-known/oauth-authorization-server') ctx.req.url = '/.well-known/openid-configuration';
    // RFC 6749 §3.3: a request naming no scope gets our default, the MCP scope; oidc-provider
    // would otherwise let the person sign in and then refuse a grant with nothing in it.
    if (ctx.method === 'GET' && ctx.path === `${SIGNIN_PREFIX}/authorize` && !ctx.query.scope) {
      const url = new URL(ctx.req.url!, 'http://request.invalid');
      url.searchParams.set('scope', MCP_SCOPE);
      ctx.req.url = `${url.pathname}${url.search}`;
    }
    ctx.respond = false;
    ctx.status = 200;
    await provider.callback()(ctx.req, ctx.res);
  };
  const routes = router.routes();
  const serve: Middleware = async (ctx, next) => {
    const providerPath =
      (ctx.path.startsWith(`${SIGNIN_PREFIX}/`) && !ctx.path.startsWith(`${SIGNIN_PREFIX}/interaction/`)) ||
      ctx.path === '/.well-known/openid-configuration' ||
      ctx.path === '/.well-known/oauth-authorization-server';
    return providerPath ? delegate(ctx) : routes(ctx as Parameters<typeof routes>[0], next);
  };
  // Nobody is known yet on these paths: their buckets are per client address.
  const everyRequest = clientAddressRateLimit(deps, 'signin');
  const registrations = clientAddressRateLimit(deps, 'signin-register', deps.config.signin.registrationsPerMinute);
  return async (ctx, next) => {
    if (!isSigninPath(ctx.path)) return next();
    await everyRequest(ctx, async () => {
      if (ctx.method === 'POST' && ctx.path === `${SIGNIN_PREFIX}/register`) await registrations(ctx, () => serve(ctx, next));
      else await serve(ctx, next);
    });
  };
}

const isSigninPath = (path: string) =>
  path.startsWith(`${SIGNIN_PREFIX}/`) ||
  path.startsWith('/.well-known/oauth-protected-resource/') ||
  path === '/.well-known/openid-configuration' ||
  path === '/.well-known/oauth-authorization-server';

/**
 * The outcome of a sign-in, whichever way the person proved who they are: refused when the
 * server's restrictions exclude the user, else the consent the page showed (this client may use
 * this one server as this user). Recorded in the audit log either way.
 */
async function signInResult(
  deps: Pick<ApiDependencies, 'db' | 'logger' | 'publicUrl'>,
  provider: ProviderType,
  ctx: Context,
  server: ServerRow,
  userId: string,
  clientId: string,
  scope: unknown,
): Promise<InteractionResults> {
  const actor = { accountId: server.account_id, userId, role: 'user' as const, via: 'signIn' as const, clientAddress: ctx.ip };
  const target = { serverId: server.id, clientId };
  if (refusalOfUser({ userId }, server)) {
    await recordAudit(deps, actor, { action: 'sign-in', target, status: 403 });
    return { error: 'access_denied', error_description: 'This user may not use this server' };
  }
  const grant = new provider.Grant({ accountId: userId, clientId });
  grant.addOIDCScope(requestedScopes(scope).join(' '));
  grant.addResourceScope(resourceUrlOf(deps.publicUrl, server.id), MCP_SCOPE);
  const grantId = await grant.save();
  await recordAudit(deps, actor, { action: 'sign-in', target, status: 200 });
  return { login: { accountId: userId }, consent: { grantId } };
}

/** The sign-in this browser is in the middle of (oidc-provider's interaction cookie). */
async function currentInteraction(provider: ProviderType, ctx: Context) {
  try {
    return await provider.interactionDetails(ctx.req, ctx.res);
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status < 500) {
      throw new InvalidRequestError('No sign-in is in progress in this browser; start again from the client');
    }
    throw error;
  }
}

async function knownServer(deps: Pick<ApiDependencies, 'db'>, rawId: string | undefined): Promise<ServerRow> {
  const id = serverIdParam.safeParse(rawId);
  const server = id.success ? await getServer(deps.db, id.data) : undefined;
  if (!server) throw new NotFoundError('Unknown MCP server', { serverId: rawId });
  return server;
}

/** Sign-in is always for one server: the resource the client asked a token for. */
async function serverOfInteraction(deps: Pick<ApiDependencies, 'db' | 'publicUrl'>, resource: unknown): Promise<ServerRow> {
  const first = [resource].flat().find((value): value is string => typeof value === 'string');
  const serverId = first ? serverIdOfResource(deps.publicUrl, first) : undefined;
  if (!serverId) throw new InvalidRequestError('Sign-in needs a resource parameter naming an MCP server URL', { field: 'resource' });
  return knownServer(deps, serverId);
}

function requestedScopes(scope: unknown): string[] {
  const known = new Set([MCP_SCOPE, 'offline_access']);
  return String(scope ?? '')
    .split(' ')
    .filter((name) => known.has(name));
}

async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new InvalidRequestError('Send the form as application/x-www-form-urlencoded');
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new InvalidRequestError('The form is too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an unknown address';
  }
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

function consentPage(
  ctx: Context,
  view: { uid: string; serverName: string; clientName: string; publisherHost?: string; redirectHost: string; devLogin: boolean; upstreamHost?: string; userId?: string },
): void {
  const action = `${SIGNIN_PREFIX}/interaction/${encodeURIComponent(view.uid)}`;
  const upstream = view.upstreamHost
    ? `<form method="post" action="${action}/upstream"><button type="submit">Sign in with ${escapeHtml(view.upstreamHost)} and allow</button></form>`
    : '';
  const login = upstream + (view.devLogin
    ? `<p><strong>Development sign-in</strong>: anyone can claim any user id here. Not for production.</p>
<form method="post" action="${action}/login"><label>User id <input name="userId" required maxlength="200" value="${escapeHtml(view.userId ?? '')}"></label>
<button type="submit">Sign in and allow</button></form>`
    : upstream
      ? ''
      : '<p>No sign-in method is configured for this Switchboard.</p>');
  ctx.type = 'html';
  ctx.set('content-security-policy', "default-src 'none'; form-action 'self'");
  ctx.set('x-frame-options', 'DENY');
  ctx.set('cache-control', 'no-store');
  ctx.body = `<!doctype html><html><head><meta charset="utf-8"><title>Sign in to ${escapeHtml(view.serverName)}</title></head><body>
<h1>Sign in to ${escapeHtml(view.serverName)}</h1>
<p><strong>${escapeHtml(view.clientName)}</strong> (${view.publisherHost ? `published by ${escapeHtml(view.publisherHost)}, ` : ''}returning to ${escapeHtml(view.redirectHost)}) asks to use the Switchboard MCP server
<strong>${escapeHtml(view.serverName)}</strong> as you: list its tools, connect platforms for you, and run actions with your
credentials. Runs and credentials it makes are yours; the server's restrictions still apply.</p>
${login}
<form method="post" action="${action}/abort"><button type="submit">Deny</button></form>
</body></html>`;
}
