import { reauthorizationError } from '../../credentials/oauth.js';
import type { OAuthDependencies } from '../../credentials/ports.js';
import { getCredentialById, setCredentialStatus } from '../../db/repositories/oauth.js';
import { getRemoteMcpOAuthClient, saveRemoteMcpOAuthClient } from '../../db/repositories/remoteMcpOAuthClients.js';
import { SwitchboardError } from '../../errors.js';
import type { bearerChallenge } from './oauthDiscovery.js';

/**
 * What a call does when an `oauth` remote MCP server refuses the user's token for good: the user
 * signs in again, through a link the error carries (the handshake discovers again, so a server
 * that moved to another authorization server is followed, SEP-2352).
 * - 403 insufficient_scope (step-up): the connector asks for the challenged scopes besides the
 *   ones it asked for (SEP-2350). A challenge for scopes it already asked for is final: signing
 *   in again would grant the same, so the call fails instead of looping.
 * - 401 with a token just refreshed: the grant is no longer accepted.
 * Undefined for any other refusal.
 */
export async function reauthorizationAfterRefusal(
  deps: OAuthDependencies,
  input: {
    mcpConnectorId: string;
    credentialId: string;
    host: string;
    status: unknown;
    challenge: ReturnType<typeof bearerChallenge>;
    refreshed: boolean;
  },
): Promise<SwitchboardError | undefined> {
  let reason: string;
  if (input.status === 403 && input.challenge?.error === 'insufficient_scope' && input.challenge.scope) {
    const requested = (await getRemoteMcpOAuthClient(deps.db, input.mcpConnectorId))?.scopes ?? [];
    const challenged = input.challenge.scope.split(' ').filter((scope) => scope.length > 0);
    const missing = challenged.filter((scope) => !requested.includes(scope));
    if (missing.length === 0) {
      return new SwitchboardError(
        'UPSTREAM_REJECTED',
        `${input.host} refuses the token for want of scope "${input.challenge.scope}", which the sign-in already asked for; signing in again would not help`,
        { host: input.host, reason: 'insufficient-scope', scope: input.challenge.scope },
      );
    }
    await saveRemoteMcpOAuthClient(deps.db, input.mcpConnectorId, { scopes: [...requested, ...missing] });
    reason = `${input.host} asks for scope "${missing.join(' ')}"`;
  } else if (input.status === 401 && input.refreshed) {
    reason = `${input.host} refused a token just refreshed`;
  } else {
    return undefined;
  }
  await setCredentialStatus(deps.db, input.credentialId, { status: 'needs_reauth', reason, fromStatuses: ['active', 'refreshing'] });
  const row = await getCredentialById(deps.db, input.credentialId);
  if (!row) return undefined;
  return reauthorizationError(deps, row, ['oauth2']);
}
