import * as oauth from 'oauth4webapi';
import type { Agent } from 'undici';
import { getRemoteMcpConnectorBySlug } from '../../db/repositories/remoteMcpConnectors.js';
import { getRemoteMcpOAuthClient } from '../../db/repositories/remoteMcpOAuthClients.js';
import { InvalidRequestError, SwitchboardError } from '../../errors.js';
import { REMOTE_MCP_PREFIX } from '../../remoteMcp/connector.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/connect.js';
import type { SecretBox } from '../../secrets/secretBox.js';
import { authorizationEndpointProblem, discoveryHttp, remoteMcpOAuthClientSecretContext } from './oauthDiscovery.js';
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
  const clientAuth = !secret
    ? oauth.None()
    : client.token_endpoint_auth_method === 'client_secret_post'
      ? oauth.ClientSecretPost(secret)
      : oauth.ClientSecretBasic(secret);
  const { signal: _perRequest, ...http } = discoveryHttp(deps.config, agent, new URL(as.token_endpoint!), deps.config.upstream.totalTimeoutMs);
  return {
    settings: {
      clientId: client.client_id,
      authorizationUrl: as.authorization_endpoint!,
      issuer: as.issuer,
      scopes: client.scopes ?? [],
      scopeSeparator: ' ',
      extraAuthorizationParams: { resource: client.resource },
    },
    as,
    client: { client_id: client.client_id, token_endpoint_auth_method: client.token_endpoint_auth_method ?? 'none' },
    clientAuth,
    http,
    resource: client.resource,
  };
}
