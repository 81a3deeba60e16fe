import type { Db } from '../connect.js';
import type { CredentialAuthType, CredentialRow, CredentialStatus } from '../tables/credentials.js';

export async function insertCredential(
  db: Db,
  input: {
    id: string;
    accountId: string;
    userId: string;
    connectorId: string;
    authType: CredentialAuthType;
    variant?: string;
    status: CredentialStatus;
    name?: string;
    secretsEncrypted: string | null;
    keyId: string | null;
    hints: Record<string, string>;
    expiresAt?: Date | null;
  },
): Promise<CredentialRow> {
  return db
    .insertInto('credentials')
    .values({
      id: input.id,
      account_id: input.accountId,
      user_id: input.userId,
      connector_id: input.connectorId,
      auth_type: input.authType,
      variant: input.variant ?? null,
      status: input.status,
      name: input.name ?? null,
      secrets_encrypted: input.secretsEncrypted,
      key_id: input.keyId,
      hints: JSON.stringify(input.hints),
      expires_at: input.expiresAt ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listUserCredentials(
  db: Db,
  owner: { accountId: string; userId: string; connectorId?: string },
): Promise<CredentialRow[]> {
  let query = db
    .selectFrom('credentials')
    .selectAll()
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('status', '!=', 'revoked');
  if (owner.connectorId) query = query.where('connector_id', '=', owner.connectorId);
  return query.orderBy('created_at', 'desc').orderBy('id').execute();
}

export async function getUserCredential(
  db: Db,
  owner: { accountId: string; userId: string },
  credentialId: string,
): Promise<CredentialRow | undefined> {
  return db
    .selectFrom('credentials')
    .selectAll()
    .where('id', '=', credentialId)
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .executeTakeFirst();
}

/** The newest usable credential: what a call uses when the client pinned none. */
export async function findNewestActiveCredential(
  db: Db,
  owner: { accountId: string; userId: string; connectorId: string },
): Promise<CredentialRow | undefined> {
  return db
    .selectFrom('credentials')
    .selectAll()
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('connector_id', '=', owner.connectorId)
    // A refreshing credential is usable: authorizeRequest waits for its refresh.
    .where('status', 'in', ['active', 'refreshing'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Revoking keeps the row (runs in history name it) but drops the sealed secrets. */
export async function revokeCredential(
  db: Db,
  owner: { accountId: string; userId: string },
  credentialId: string,
): Promise<boolean> {
  const result = await db
    .updateTable('credentials')
    .set({ status: 'revoked', secrets_encrypted: null, updated_at: new Date() })
    .where('id', '=', credentialId)
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('status', '!=', 'revoked')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
