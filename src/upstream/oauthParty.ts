import type * as oauth from 'oauth4webapi';
import type { OAuthProviderSettings } from '../credentials/oauthApps.js';

/** An account's OAuth client for one connector, ready for oauth4webapi calls. Holds the client secret: never returned from an activity. */
export interface OAuthParty {
  settings: Pick<OAuthProviderSettings, 'clientId' | 'authorizationUrl' | 'issuer' | 'scopes' | 'scopeSeparator' | 'extraAuthorizationParams'>;
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  /** Options every oauth4webapi request gets: the egress-guarded fetch, and http for loopback providers. */
  http: { [oauth.customFetch]: typeof fetch; [oauth.allowInsecureRequests]?: true };
  /** Remote MCP servers: the protected resource (RFC 8707) every token request names. */
  resource?: string;
}
