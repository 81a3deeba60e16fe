import type { Context } from 'koa';
import { UnauthorizedError } from '../../errors.js';
import type { ApiDependencies } from '../context.js';
import { MCP_SCOPE, resourceUrlOf, type SignedInToken } from './provider.js';

const resourceMetadataUrlOf = (publicUrl: string, serverId: string) => `${publicUrl}/.well-known/oauth-protected-resource/mcp/${serverId}`;

/** A signed-in user's access token for this server, or undefined (unknown, expired, revoked, another server's). */
export async function signedInCaller(deps: Pick<ApiDependencies, 'signin' | 'publicUrl'>, bearer: string, serverId: string): Promise<SignedInToken | undefined> {
  return deps.signin?.verifyAccessToken(bearer, resourceUrlOf(deps.publicUrl, serverId));
}

/** 401 with the challenge MCP clients start sign-in from (RFC 6750 §3, RFC 9728 §5.1). */
export function bearerChallenge(ctx: Context, publicUrl: string, serverId: string, tokenSent: boolean): UnauthorizedError {
  const parameters = [
    `resource_metadata="${resourceMetadataUrlOf(publicUrl, serverId)}"`,
    `scope="${MCP_SCOPE}"`,
    ...(tokenSent ? ['error="invalid_token"'] : []),
  ];
  ctx.set('WWW-Authenticate', `Bearer ${parameters.join(', ')}`);
  return new UnauthorizedError(
    tokenSent
      ? 'The API key or access token is invalid, expired, revoked or issued for another server'
      : 'Sign in (see WWW-Authenticate), use the access URL, or send Authorization: Bearer <API key>',
  );
}
