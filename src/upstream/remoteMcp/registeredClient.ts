import * as oauth from 'oauth4webapi';
import type { Agent } from 'undici';
import { getRemoteMcpConnectorBySlug } from '../../db/repositories/remoteMcpConnectors.js';
import { getRemoteMcpOAuthClient } from '../../db/repositories/remoteMcpOAuthClients.js';
import { InvalidRequestError, SwitchboardError } from '../../errors.js';
import { REMOTE_MCP_PREFIX } from '../../remoteMcp/connector.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/connect.js';
import type { SecretBox } from '../../secrets/secretBox.js';
import { remoteMcpOAuthClientSecretContext } from '../../remoteMcp/clientMetadata.js';
import { authorizationEndpointProblem, discoveryHttp } from './oauthDiscovery.js';
import type { OAuthParty } from '../oauthParty.js';

/**
 * The OAuth client an `oauth` remote MCP connector registered (activities/remoteMcpDiscovery.ts), as the same
 * party catalogue connectors use: code exchange, refresh and revocation need nothing else. Every
 * request names the MCP server as its `resource` (RFC 8707), so tokens are bound to it.
 */
export async function loadRemoteMcpOAuthParty(
  deps: { db: Db; secretBox: SecretBox; config: Pick<Config, 'egress' | 'upstream'> },
  agent: Agent,
  accountId: string,
  connectorId: string,
): Promise<OAuthParty> {
  const row = await getRemoteMcpConnectorBySlug(deps.db, accountId, connectorId.slice(REMOTE_MCP_PREFIX.length));
  const client = row ? await getRemoteMcpOAuthClient(deps.db, row.id) : undefined;
  if (!row || !client?.client_id || !client.server_metadata || !client.resource) {
    throw new InvalidRequestError(`"${connectorId}" has not registered with its authorization server yet; connect it again`, { connectorId });
  }
  const as = client.server_metadata as unknown as oauth.AuthorizationServer;
  // Metadata kept before discovery checked the endpoint is checked again before a link is made of it.
  const unusable = authorizationEndpointProblem(as.authorization_endpoint, as.issuer);
  if (unusable) throw new SwitchboardError('UPSTREAM_REJECTED', `The authorization endpoint of ${new URL(as.issuer).host} ${unusable}`, { connectorId });
  const secret = client.client_secret_encrypted ? deps.secretBox.open(client.client_secret_encrypted, remoteMcpOAuthClientSecretContext(row.id)) : undefined;
  // The method registered decides, not whether a secret came back: a public client may be sent one anyway.
  const method = client.token_endpoint_auth_method ?? 'none';
  const clientAuth = !secret || method === 'none' ? oauth.None() : method === 'client_secret_post' ? oauth.ClientSecretPost(secret) : clientSecretBasic(secret);
  const { signal: _perRequest, ...http } = discoveryHttp(deps.config, agent, new URL(as.token_endpoint!), deps.config.upstream.totalTimeoutMs);
  return {
    settings: {
      clientId: client.client_id,
      authorizationUrl: as.authorization_endpoint!,
      issuer: as.issuer,
      scopes: withOfflineAccess(client.scopes ?? [], as),
      scopeSeparator: ' ',
      extraAuthorizationParams: { resource: client.resource },
    },
    as,
    client: { client_id: client.client_id, token_endpoint_auth_method: secret ? method : 'none' },
    clientAuth,
    http,
    resource: client.resource,
  };
}

/**
 * We want refresh tokens (a user signs in once, runs go on for weeks): offline_access is asked for
 * where the authorization server lists it, and only there (SEP-2207). With no scope at all the
 * request names none, so the server's default applies.
 */
function withOfflineAccess(scopes: string[], as: oauth.AuthorizationServer): string[] {
  const offered = Array.isArray(as.scopes_supported) && as.scopes_supported.includes('offline_access');
  return offered && scopes.length > 0 && !scopes.includes('offline_access') ? [...scopes, 'offline_access'] : scopes;
}

/**
 * client_secret_basic with the id and secret form-urlencoded as RFC 6749 §2.3.1 and Appendix B
 * say (the HTML form algorithm, which leaves `-`, `.`, `_` and `*` alone). oauth4webapi's own
 * escapes those too, which authorization servers that compare the decoded header without
 * url-decoding it refuse (a preregistered `my-client` arrives as `my%2Dclient`).
 */
function clientSecretBasic(secret: string): oauth.ClientAuth {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return (_as, client, _body, headers) => {
    headers.set('authorization', `Basic ${Buffer.from(`${encode(client.client_id)}:${encode(secret)}`).toString('base64')}`);
  };
}
