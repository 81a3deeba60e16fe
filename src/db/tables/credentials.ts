import type { ColumnType, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export const credentialAuthTypes = ['apiKey', 'bearer', 'basic', 'customHeaders', 'apiKeys', 'oauth2'] as const;
export type CredentialAuthType = (typeof credentialAuthTypes)[number];
/** pending: an OAuth handshake has not completed yet; failed: it ended without tokens (status_reason says why). */
export type CredentialStatus = 'pending' | 'active' | 'refreshing' | 'needs_reauth' | 'failed' | 'revoked';

export interface CredentialsTable {
  id: string;
  account_id: string;
  user_id: string;
  connector_id: string;
  auth_type: CredentialAuthType;
  /** The connector's auth variant it was made for (authVariantIds); null on rows older than variants: the first method of auth_type. */
  variant: ColumnType<string | null, string | null | undefined, string | null>;
  status: CredentialStatus;
  name: string | null;
  /** SecretBox.seal(JSON of the fields, 'credential:<id>'); null while an OAuth flow is pending. */
  secrets_encrypted: string | null;
  /** The key that sealed secrets_encrypted, so key rotation can find rows still on an old key. */
  key_id: string | null;
  /** Field name -> masked hint, safe to show. */
  hints: ColumnType<Record<string, string>, string, string>;
  expires_at: Date | null;
  /** Why the credential is failed or needs_reauth (e.g. "invalid_grant: ..."); never a secret. */
  status_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the current access token was issued: with expires_at, its lifetime. */
  token_obtained_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  last_used_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type CredentialRow = Selectable<CredentialsTable>;
