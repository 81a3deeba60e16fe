import type { Context, Middleware } from 'koa';
import { findActiveApiKey } from '../db/repositories/accounts.js';
import { openByAccessToken } from '../db/repositories/frontDoor.js';
import type { BucketDecision } from '../db/repositories/rateBuckets.js';
import { getServer } from '../db/repositories/servers.js';
import type { Account } from '../db/tables/accounts.js';
import type { AssignmentRow } from '../db/tables/remoteMcpConnectors.js';
import type { McpSessionRow } from '../db/tables/mcpSessions.js';
import type { ServerRow } from '../db/tables/servers.js';
import { ForbiddenError, InvalidRequestError, NotFoundError, UnauthorizedError } from '../errors.js';
import { actingUser, mcpCallerRole, type Role } from '../policy/roles.js';
import { refusalOfUser } from '../policy/use.js';
import { serverIdParam } from '../servers/schemas.js';
import type { ApiDependencies } from './context.js';
import type { AuthContext } from '../policy/caller.js';
import { bearerChallenge, signedInCaller } from './signin/bearer.js';
import { userIdSchema, verifyUserToken } from './userTokens.js';

declare module 'koa' {
  interface DefaultState {
    /** The MCP server a /mcp request addresses, once authenticated. */
    server?: ServerRow;
    /** What the front-door rate limit counts against: one bucket per API key or access token. */
    rateLimitKey?: string;
    /** The request's first rate-limit token, when authentication already took it (frontDoorRateLimit then takes only the rest). */
    firstToken?: BucketDecision;
    /**
     * Read with an access token in the same statement: the session its Mcp-Session-Id (sessionId) names (null: none), the server's
     * assignments and its account's connectors version (src/connectors/accountRows.ts).
     */
    prefetched?: { sessionId: string | undefined; session: McpSessionRow | null; assignments: AssignmentRow[]; connectorsVersion: number };
  }
}

/** The Mcp-Session-Id a request carries, if it may name a session at all (ids we hand out are shorter). */
function sessionIdOf(ctx: Context): string | undefined {
  const sessionId = ctx.get('mcp-session-id');
  return sessionId && sessionId.length <= 64 ? sessionId : undefined;
}

function bearerOf(ctx: Context): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
  return match?.[1];
}

function userIdHeader(ctx: Context): string | undefined {
  const value = ctx.get('x-user-id');
  if (!value) return undefined;
  const parsed = userIdSchema.safeParse(value);
  if (!parsed.success) throw new InvalidRequestError('x-user-id is not a valid user id', { header: 'x-user-id' });
  return parsed.data;
}

async function apiKeyCaller(deps: ApiDependencies, ctx: Context) {
  const key = bearerOf(ctx);
  if (!key) return undefined;
  const apiKey = await findActiveApiKey(deps.db, key);
  if (!apiKey) throw new UnauthorizedError('The API key is invalid or revoked');
  return apiKey;
}

async function userFromToken(deps: ApiDependencies, ctx: Context, account?: Account) {
  const token = ctx.get('x-user-token');
  return token ? verifyUserToken(deps.db, deps.secretBox, token, account) : undefined;
}

/**
 * Management API: `Authorization: Bearer <API key>` (x-user-id optional, defaults to the key's
 * user), or an x-user-token alone, which acts as the user it names with the user role. The
 * key's role (admin unless created narrower) decides what the caller may do; each route checks
 * it through src/policy/roles.ts.
 */
export function apiAuth(deps: ApiDependencies): Middleware {
  return async (ctx, next) => {
    const apiKey = await apiKeyCaller(deps, ctx);
    const tokenUser = await userFromToken(deps, ctx, apiKey?.account);
    if (!apiKey && !tokenUser) {
      throw new UnauthorizedError('Send Authorization: Bearer <API key>, or an x-user-token');
    }
    const accountId = apiKey?.account_id ?? tokenUser!.account.id;
    const caller = apiKey ? { role: apiKey.role, userId: apiKey.user_id } : { role: 'user' as const, userId: tokenUser!.userId };
    // A user token fixes whom the request acts for (a user-role key may name only its own user);
    // x-user-id may then only repeat it. Without a token, x-user-id picks the user, if the role may.
    const named = userIdHeader(ctx);
    let userId: string;
    if (tokenUser) {
      userId = actingUser(caller, tokenUser.userId);
      if (named !== undefined && named !== userId) throw new ForbiddenError('x-user-id names another user than the x-user-token', { userId: named });
    } else {
      userId = actingUser(caller, named);
    }
    ctx.state.auth = {
      accountId,
      userId,
      role: caller.role,
      via: 'apiKey',
      ...(apiKey ? { apiKeyId: apiKey.id } : {}),
      clientAddress: ctx.ip,
    };
    ctx.state.rateLimitKey = apiKey ? `key:${apiKey.id}` : `user:${accountId}:${tokenUser!.userId}`;
    await next();
  };
}

const accessUrlForm = (publicUrl: string) => `${publicUrl}/mcp/<serverId>/<accessToken>`;

/** The URLs the MCP endpoint answers at, said to a client that reached none of them. */
export function mcpUrlForms(publicUrl: string): string {
  return (
    `Use a server's access URL, ${accessUrlForm(publicUrl)} (npm start prints one; the console shows a server's when it is made or its token rotated). ` +
    `Clients that take only URLs ending in /mcp (the MCP Inspector) take the access URL with /mcp added: ${accessUrlForm(publicUrl)}/mcp. ` +
    `With an API key or a signed-in user's token instead: ${publicUrl}/mcp/<serverId> (or its /mcp form).`
  );
}

/**
 * MCP endpoint: /mcp/:serverId/:accessToken needs nothing else; /mcp/:serverId (or /mcp with
 * x-mcp-server-id) needs an API key of the server's account or a signed-in user's access token
 * issued for that server (without either: 401 with WWW-Authenticate naming the resource metadata). x-user-token names the end user on
 * any server; x-user-id is honoured on public servers only, or with the account's API key.
 */
export function mcpAuth(deps: ApiDependencies): Middleware {
  return async (ctx, next) => {
    const params = (ctx as Context & { params: Record<string, string | undefined> }).params;
    const named = params.serverId ?? ctx.get('x-mcp-server-id');
    if (!named) throw new NotFoundError(`This URL names no MCP server. ${mcpUrlForms(deps.publicUrl)}`, { accessUrl: accessUrlForm(deps.publicUrl) });
    const serverId = serverIdParam.safeParse(named);
    if (!serverId.success) throw new NotFoundError(`Unknown MCP server. ${mcpUrlForms(deps.publicUrl)}`, { accessUrl: accessUrlForm(deps.publicUrl) });

    let server: ServerRow;
    let userId: string;
    let base: Pick<AuthContext, 'via' | 'apiKeyId'> & { keyRole?: Role };
    if (params.accessToken) {
      const sessionId = sessionIdOf(ctx);
      const found = await openByAccessToken(deps.asyncCommitDb ?? deps.db, {
        serverId: serverId.data,
        token: params.accessToken,
        perMinute: deps.config.rateLimitPerMinute,
        ...(sessionId ? { sessionId } : {}),
      });
      if (!found) throw new UnauthorizedError('The access token is invalid, expired or revoked');
      server = found.server;
      userId = (server.is_public ? userIdHeader(ctx) : undefined) ?? server.owner_user_id;
      base = { via: 'serverToken' };
      ctx.state.rateLimitKey = `token:${found.tokenId}`;
      ctx.state.firstToken = found.firstToken;
      ctx.state.prefetched = { sessionId, session: found.session ?? null, assignments: found.assignments, connectorsVersion: found.connectorsVersion };
    } else {
      const bearer = bearerOf(ctx);
      const apiKey = bearer ? await findActiveApiKey(deps.db, bearer) : undefined;
      const signedIn = bearer && !apiKey ? await signedInCaller(deps, bearer, serverId.data) : undefined;
      // RFC 9728: tell the client where to learn how to sign in.
      if (!apiKey && !signedIn) throw bearerChallenge(ctx, deps.publicUrl, serverId.data, bearer !== undefined);
      const found = await getServer(deps.db, serverId.data);
      if (!found) throw new NotFoundError('Unknown MCP server', { serverId: serverId.data });
      server = found;
      if (apiKey) {
        if (found.account_id !== apiKey.account_id) throw new ForbiddenError('This server belongs to another account');
        userId = actingUser({ role: apiKey.role, userId: apiKey.user_id }, userIdHeader(ctx));
        base = { via: 'apiKey', apiKeyId: apiKey.id, keyRole: apiKey.role };
        ctx.state.rateLimitKey = `key:${apiKey.id}`;
      } else {
        // The token was issued for this server's URL, to the user who signed in: it acts as them only.
        userId = signedIn!.userId;
        base = { via: 'signIn' };
        ctx.state.rateLimitKey = `signin:${signedIn!.grantId}`;
      }
    }

    const tokenUser = ctx.get('x-user-token')
      ? await verifyUserToken(deps.db, deps.secretBox, ctx.get('x-user-token'))
      : undefined;
    if (tokenUser) {
      if (tokenUser.account.id !== server.account_id) {
        throw new UnauthorizedError('x-user-token was not issued for this account');
      }
      // Signed by the account, the token names the user on a server's access URL; a user-role key
      // may still act only as its own user.
      userId = base.via === 'serverToken' ? tokenUser.userId : actingUser({ role: base.keyRole ?? 'user', userId }, tokenUser.userId);
    }
    const refusal = refusalOfUser({ userId }, server);
    if (refusal) throw refusal;
    const credentialId = ctx.get('x-credential-id') || undefined;
    const redirectUri = ctx.get('x-redirect-uri') || undefined;
    ctx.state.server = server;
    const { keyRole, ...identity } = base;
    ctx.state.auth = {
      ...identity,
      role: mcpCallerRole({
        via: base.via,
        ...(keyRole ? { keyRole } : {}),
        server: { admin: server.admin, ownerUserId: server.owner_user_id },
        userId,
        userToken: tokenUser !== undefined,
      }),
      accountId: server.account_id,
      userId,
      serverId: server.id,
      clientAddress: ctx.ip,
      ...(credentialId ? { credentialId } : {}),
      ...(redirectUri ? { redirectUri } : {}),
    };
    await next();
  };
}
