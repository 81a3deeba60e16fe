import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { Account, ApiKey } from '../tables/accounts.js';
import type { Role } from '../../policy/roles.js';
import type { SecretBox } from '../../secrets/secretBox.js';
import { hashToken, hintOf, newId, newSecretToken } from '../../secrets/tokens.js';

const DEFAULT_USER_ID = 'default';

export async function createAccount(
  db: Db,
  secretBox: SecretBox,
  input: { name: string; defaultUserId?: string },
): Promise<Account> {
  const id = newId('acct');
  return db
    .insertInto('accounts')
    .values({
      id,
      name: input.name,
      default_user_id: input.defaultUserId ?? DEFAULT_USER_ID,
      user_token_secret_encrypted: secretBox.seal(randomBytes(32).toString('base64url'), `account:${id}`),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function userTokenSecretOf(account: Account, secretBox: SecretBox): string {
  return secretBox.open(account.user_token_secret_encrypted, `account:${account.id}`);
}

export async function getAccount(db: Db, accountId: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
}

/** Stores only the key's hash; the clear key is returned to the caller once. */
export async function createApiKey(
  db: Db,
  input: { accountId: string; userId: string; name: string; role?: Role; key?: string },
): Promise<{ apiKey: ApiKey; key: string }> {
  const key = input.key ?? newSecretToken('sk');
  const apiKey = await db
    .insertInto('api_keys')
    .values({
      id: newId('key'),
      account_id: input.accountId,
      user_id: input.userId,
      role: input.role ?? 'admin',
      name: input.name,
      key_hash: hashToken(key),
      key_hint: hintOf(key),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { apiKey, key };
}

export async function findActiveApiKey(db: Db, key: string): Promise<(ApiKey & { account: Account }) | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
    .selectAll('api_keys')
    .select([
      'accounts.name as account_name',
      'accounts.default_user_id as account_default_user_id',
      'accounts.user_token_secret_encrypted as account_user_token_secret_encrypted',
      'accounts.created_at as account_created_at',
    ])
    .where('api_keys.key_hash', '=', hashToken(key))
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const { account_name, account_default_user_id, account_user_token_secret_encrypted, account_created_at, ...apiKey } =
    row;
  return {
    ...apiKey,
    account: {
      id: apiKey.account_id,
      name: account_name,
      default_user_id: account_default_user_id,
      user_token_secret_encrypted: account_user_token_secret_encrypted,
      created_at: account_created_at,
    },
  };
}

export async function listApiKeys(db: Db, accountId: string): Promise<ApiKey[]> {
  return db.selectFrom('api_keys').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
}

export async function revokeApiKey(db: Db, accountId: string, keyId: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', keyId)
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * First start: make an account and a key (acting as the account's user "default") so the product is usable at once. With BOOTSTRAP_API_KEY
 * the key is known in advance (scripts, tests); otherwise a generated key is returned to be shown once.
 * Serialised by an advisory lock so replicas starting together create one account, not several.
 */
export async function ensureBootstrapAccount(
  db: Db,
  secretBox: SecretBox,
  bootstrapKey: string | undefined,
): Promise<{ accountId: string; userId: string; generatedKey?: string }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(727001)`.execute(trx);
    const existing = await trx.selectFrom('accounts').select('id').orderBy('created_at').limit(1).executeTakeFirst();
    const account = existing ?? (await createAccount(trx, secretBox, { name: 'Default account' }));
    if (bootstrapKey) {
      const known = await trx.selectFrom('api_keys').select('id').where('key_hash', '=', hashToken(bootstrapKey)).executeTakeFirst();
      if (!known) {
        await createApiKey(trx, { accountId: account.id, userId: DEFAULT_USER_ID, name: 'bootstrap', key: bootstrapKey });
      }
      return { accountId: account.id, userId: DEFAULT_USER_ID };
    }
    if (existing) return { accountId: account.id, userId: DEFAULT_USER_ID };
    const { key } = await createApiKey(trx, { accountId: account.id, userId: DEFAULT_USER_ID, name: 'bootstrap' });
    return { accountId: account.id, userId: DEFAULT_USER_ID, generatedKey: key };
  });
}
