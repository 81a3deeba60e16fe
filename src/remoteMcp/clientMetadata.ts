import { callbackUrlOf } from '../credentials/oauthApps.js';

/** Where Switchboard serves its OAuth Client ID Metadata Document; the URL is also the client_id. */
export const CLIENT_METADATA_PATH = '/oauth/client-metadata.json';

export const clientMetadataUrlOf = (publicUrl: string) => `${publicUrl}${CLIENT_METADATA_PATH}`;

/**
 * Switchboard as an OAuth client of remote MCP servers' authorization servers: one public client
 * (PKCE, no secret) per PUBLIC_URL, redirecting to /oauth/callback. Served as the Client ID
 * Metadata Document, and sent (without client_id) as the Dynamic Client Registration request.
 */
export function clientMetadataDocument(publicUrl: string) {
  return {
    client_id: clientMetadataUrlOf(publicUrl),
    client_name: 'Switchboard',
    client_uri: publicUrl,
    redirect_uris: [callbackUrlOf(publicUrl)],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    // A web server's redirect, not an app on the user's device (SEP-837; OpenID Registration §2).
    application_type: 'web',
  };
}

/** AAD of a remote MCP connector's OAuth client secret (issued by Dynamic Client Registration, or preregistered). */
export const remoteMcpOAuthClientSecretContext = (mcpConnectorId: string) => `mcp-oauth-client:${mcpConnectorId}`;
