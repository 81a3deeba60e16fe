import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { getServer } from '../../db/repositories/servers.js';
import type { ServerRow } from '../../db/tables/servers.js';
import { InvalidRequestError, NotFoundError } from '../../errors.js';
import { serverIdParam } from '../../servers/schemas.js';
import { userAllowed } from '../../servers/restrictions.js';
import { recordAudit } from '../audit.js';
import type { ApiDependencies } from '../context.js';
import { userIdSchema } from '../userTokens.js';
import { MCP_SCOPE, resourceUrlOf, serverIdOfResource, SIGNIN_PREFIX, type SigninService } from './provider.js';

const MAX_FORM_BYTES = 16 * 1024;

/**
 * The protected-resource metadata of each server (RFC 9728), the authorization server's own
 * endpoints (oidc-provider, under /oauth2 and its discovery documents), and the sign-in and
 * consent page it sends people to.
 */
export function signinRoutes(deps: ApiDependencies & { signin: SigninService }): Middleware {
  const router = new Router();
  const { signin, publicUrl } = deps;

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

  router.get(`${SIGNIN_PREFIX}/interaction/:uid`, async (ctx) => {
    const provider = await signin.provider();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== ctx.params.uid) throw new InvalidRequestError('This sign-in is not the one in progress');
    const server = await serverOfInteraction(deps, details.params.resource);
    const client = await provider.Client.find(String(details.params.client_id));
    consentPage(ctx, {
      uid: details.uid,
      serverName: server.name,
      clientName: client?.clientName ?? String(details.params.client_id),
      redirectHost: safeHost(String(details.params.redirect_uri ?? '')),
      devLogin: deps.config.signin.devLogin,
      ...(details.session?.accountId ? { userId: details.session.accountId } : {}),
    });
  });

  router.post(`${SIGNIN_PREFIX}/interaction/:uid/login`, async (ctx) => {
    const provider = await signin.provider();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== ctx.params.uid) throw new InvalidRequestError('This sign-in is not the one in progress');
    if (!deps.config.signin.devLogin) throw new NotFoundError('No sign-in method is configured');
    const server = await serverOfInteraction(deps, details.params.resource);
    const parsed = userIdSchema.safeParse((await readForm(ctx)).get('userId'));
    if (!parsed.success) throw new InvalidRequestError('userId is not a valid user id', { field: 'userId' });
    const userId = parsed.data;
    const clientId = String(details.params.client_id);
    const actor = { accountId: server.account_id, userId, role: 'user' as const, via: 'signIn' as const, clientAddress: ctx.ip };

    let result: InteractionResults;
    if (!userAllowed(server.restrictions, userId)) {
      result = { error: 'access_denied', error_description: 'This user may not use this server' };
      await recordAudit(deps, actor, { action: 'sign-in', target: { serverId: server.id, clientId }, status: 403 });
    } else {
      // Consent is what the page showed: this client may use this one server as this user.
      const grant = new provider.Grant({ accountId: userId, clientId });
      grant.addOIDCScope(requestedScopes(details.params.scope).join(' '));
      grant.addResourceScope(resourceUrlOf(publicUrl, server.id), MCP_SCOPE);
      result = { login: { accountId: userId }, consent: { grantId: await grant.save() } };
      await recordAudit(deps, actor, { action: 'sign-in', target: { serverId: server.id, clientId }, status: 200 });
    }
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
    ctx.respond = false;
    ctx.status = 200;
    await provider.callback()(ctx.req, ctx.res);
  };
  const routes = router.routes();
  return async (ctx, next) => {
    const providerPath =
      (ctx.path.startsWith(`${SIGNIN_PREFIX}/`) && !ctx.path.startsWith(`${SIGNIN_PREFIX}/interaction/`)) ||
      ctx.path === '/.well-known/openid-configuration' ||
      ctx.path === '/.well-known/oauth-authorization-server';
    return providerPath ? delegate(ctx) : routes(ctx as Parameters<typeof routes>[0], next);
  };
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
  view: { uid: string; serverName: string; clientName: string; redirectHost: string; devLogin: boolean; userId?: string },
): void {
  const action = `${SIGNIN_PREFIX}/interaction/${encodeURIComponent(view.uid)}`;
  const login = view.devLogin
    ? `<p><strong>Development sign-in</strong>: anyone can claim any user id here. Not for production.</p>
<form method="post" action="${action}/login"><label>User id <input name="userId" required maxlength="200" value="${escapeHtml(view.userId ?? '')}"></label>
<button type="submit">Sign in and allow</button></form>`
    : '<p>No sign-in method is configured for this Switchboard.</p>';
  ctx.type = 'html';
  ctx.set('content-security-policy', "default-src 'none'; form-action 'self'");
  ctx.set('x-frame-options', 'DENY');
  ctx.set('cache-control', 'no-store');
  ctx.body = `<!doctype html><html><head><meta charset="utf-8"><title>Sign in to ${escapeHtml(view.serverName)}</title></head><body>
<h1>Sign in to ${escapeHtml(view.serverName)}</h1>
<p><strong>${escapeHtml(view.clientName)}</strong> (returning to ${escapeHtml(view.redirectHost)}) asks to use the Switchboard MCP server
<strong>${escapeHtml(view.serverName)}</strong> as you: list its tools, connect platforms for you, and run actions with your
credentials. Runs and credentials it makes are yours; the server's restrictions still apply.</p>
${login}
<form method="post" action="${action}/abort"><button type="submit">Deny</button></form>
</body></html>`;
}
