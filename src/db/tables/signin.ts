import type { ColumnType } from 'kysely';

/** One oidc-provider model instance (src/api/signin/adapter.ts), payload sealed. */
export interface SigninStoreTable {
  model: string;
  /** SHA-256 of the model id: an opaque access or refresh token's id is the token itself. */
  id_hash: string;
  payload_sealed: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  consumed_at: Date | null;
  expires_at: Date | null;
}

/** The authorization server's signing keys and cookie keys, sealed; one row, made by the first replica. */
export interface SigninKeysTable {
  id: string;
  keys_sealed: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}
