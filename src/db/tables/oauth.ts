import type { ColumnType, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** An account's OAuth client registration for one connector; null columns fall back to the connector definition. */
export interface OAuthAppsTable {
  account_id: string;
  connector_id: string;
  client_id: string;
  /** SecretBox.seal(secret, 'oauth-app:<accountId>:<connectorId>'). */
  client_secret_encrypted: string;
  key_id: string;
  client_secret_hint: string;
  scopes: Json<string[]> | null;
  /** Where users may be sent after the handshake (create_credential redirectUri / x-redirect-uri). */
  redirect_uris: Json<string[]>;
  token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post' | null;
  authorization_url: string | null;
  token_url: string | null;
  revocation_url: string | null;
  /** When set, the authorization response's `iss` must equal it (RFC 9207 mix-up defence). */
  issuer: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type OAuthAttemptStatus = 'pending' | 'completed' | 'failed' | 'expired';

/** One authorization attempt, the row behind one oauthHandshake workflow. */
export interface OAuthAttemptsTable {
  id: string;
  account_id: string;
  user_id: string;
  connector_id: string;
  credential_id: string;
  status: OAuthAttemptStatus;
  /** The provider's error code (access_denied …) or ours (expired, token_exchange_failed). */
  error: string | null;
  error_description: string | null;
  /** SHA-256 of the state parameter: the callback finds its attempt by it. */
  state_hash: string | null;
  /** SecretBox.seal(PKCE verifier, 'oauth-attempt:<id>:verifier'). */
  code_verifier_encrypted: string | null;
  /** SecretBox.seal(callback query string, 'oauth-attempt:<id>:callback'): the code never enters a workflow history. */
  callback_encrypted: string | null;
  authorization_url: string | null;
  /** Our /oauth/callback URL, the redirect_uri sent to the provider. */
  callback_url: string;
  /** Where the user goes after the callback; null shows our result page. */
  redirect_uri: string | null;
  expires_at: Date;
  /** Set once by the callback: a second callback with the same state is a replay. */
  callback_at: Date | null;
  created_at: CreatedAt;
}

export type OAuthAppRow = Selectable<OAuthAppsTable>;
export type OAuthAttemptRow = Selectable<OAuthAttemptsTable>;
