import type { ColumnType, Selectable } from 'kysely';
import type { Role } from '../../policy/roles.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface AccountsTable {
  id: string;
  name: string;
  /** The user id API keys act as when a request names none. */
  default_user_id: string;
  /** HMAC secret for x-user-token JWTs, encrypted at rest like every other secret. */
  user_token_secret_encrypted: string;
  created_at: CreatedAt;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  user_id: string;
  /** What the key may do (src/policy/roles.ts); older keys are admins. */
  role: ColumnType<Role, Role | undefined, Role>;
  name: string;
  /** SHA-256 of the key: keys are high-entropy, so a fast hash is enough and lookups stay O(1). */
  key_hash: string;
  /** Last characters of the key, so people can tell keys apart without the key being stored. */
  key_hint: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface RateBucketsTable {
  key: string;
  tokens: number;
  updated_at: Date;
}


export type Account = Selectable<AccountsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
