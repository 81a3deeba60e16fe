import type { Db } from '../connect.js';
import type { CredentialRow } from '../tables/credentials.js';
import type { OAuthAppRow, OAuthAppsTable, OAuthAttemptRow, OAuthAttemptStatus } from '../tables/oauth.js';

export interface OAuthAppValues {
  clientId: string;
  clientSecretEncrypted: string;
  keyId: string;
  clientSecretHint: string;
  scopes: string[] | null;
  redirectUris: string[];
  tokenEndpointAuthMethod: OAuthAppsTable['token_endpoint_auth_method'];
  authorizationUrl: string | null;
  tokenUrl: string | null;
  revocationUrl: string | null;
  issuer: string | null;
}

export async function upsertOAuthApp(
  db: Db,
  key: { accountId: string; connectorId: string },
  input: OAuthAppValues,
): Promise<OAuthAppRow> {
  const values = {
    client_id: input.clientId,
    client_secret_encrypted: input.clientSecretEncrypted,
    key_id: input.keyId,
    client_secret_hint: input.clientSecretHint,
    scopes: input.scopes === null ? null : JSON.stringify(input.scopes),
    redirect_uris: JSON.stringify(input.redirectUris),
    token_endpoint_auth_method: input.tokenEndpointAuthMethod,
    authorization_url: input.authorizationUrl,
    token_url: input.tokenUrl,
    revocation_url: input.revocationUrl,
    issuer: input.issuer,
    updated_at: new Date(),
  };
  return db
    .insertInto('oauth_apps')
    .values({ account_id: key.accountId, connector_id: key.connectorId, ...values })
    .onConflict((oc) => oc.columns(['account_id', 'connector_id']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getOAuthApp(db: Db, accountId: string, connectorId: string): Promise<OAuthAppRow | undefined> {
  return db
    .selectFrom('oauth_apps')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('connector_id', '=', connectorId)
    .executeTakeFirst();
}

export async function listOAuthApps(db: Db, accountId: string): Promise<OAuthAppRow[]> {
  return db.selectFrom('oauth_apps').selectAll().where('account_id', '=', accountId).orderBy('connector_id').execute();
}

export async function deleteOAuthApp(db: Db, accountId: string, connectorId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('oauth_apps')
    .where('account_id', '=', accountId)
    .where('connector_id', '=', connectorId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function insertAttempt(
  db: Db,
  input: {
    id: string;
    accountId: string;
    userId: string;
    connectorId: string;
    credentialId: string;
    callbackUrl: string;
    redirectUri: string | null;
    expiresAt: Date;
  },
): Promise<OAuthAttemptRow> {
  return db
    .insertInto('oauth_attempts')
    .values({
      id: input.id,
      account_id: input.accountId,
      user_id: input.userId,
      connector_id: input.connectorId,
      credential_id: input.credentialId,
      status: 'pending',
      callback_url: input.callbackUrl,
      redirect_uri: input.redirectUri,
      expires_at: input.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getAttempt(db: Db, id: string): Promise<OAuthAttemptRow | undefined> {
  return db.selectFrom('oauth_attempts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAttemptByStateHash(db: Db, stateHash: string): Promise<OAuthAttemptRow | undefined> {
  return db.selectFrom('oauth_attempts').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
}

/** The newest attempt for a credential: a re-authorization reuses its callback and redirect URIs. */
export async function latestAttemptFor(db: Db, credentialId: string): Promise<OAuthAttemptRow | undefined> {
  return db
    .selectFrom('oauth_attempts')
    .selectAll()
    .where('credential_id', '=', credentialId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function setAttemptPrepared(
  db: Db,
  id: string,
  input: { stateHash: string; codeVerifierEncrypted: string; authorizationUrl: string },
): Promise<void> {
  await db
    .updateTable('oauth_attempts')
    .set({
      state_hash: input.stateHash,
      code_verifier_encrypted: input.codeVerifierEncrypted,
      authorization_url: input.authorizationUrl,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Consumes the state: only the first callback for a pending, unexpired attempt gets the row back,
 * so a replayed or late callback stores nothing.
 */
export async function claimCallback(
  db: Db,
  stateHash: string,
  sealCallback: (attemptId: string) => string,
): Promise<OAuthAttemptRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const attempt = await trx
      .selectFrom('oauth_attempts')
      .selectAll()
      .where('state_hash', '=', stateHash)
      .where('status', '=', 'pending')
      .where('callback_at', 'is', null)
      .where('expires_at', '>', new Date())
      .forUpdate()
      .executeTakeFirst();
    if (!attempt) return undefined;
    return trx
      .updateTable('oauth_attempts')
      .set({ callback_at: new Date(), callback_encrypted: sealCallback(attempt.id) })
      .where('id', '=', attempt.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** Ends an attempt and wipes what only the exchange needed (verifier, sealed callback). */
export async function finishAttempt(
  db: Db,
  id: string,
  input: { status: Exclude<OAuthAttemptStatus, 'pending'>; error?: string; errorDescription?: string },
): Promise<void> {
  await db
    .updateTable('oauth_attempts')
    .set({
      status: input.status,
      error: input.error ?? null,
      error_description: input.errorDescription ?? null,
      code_verifier_encrypted: null,
      callback_encrypted: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** A still-open re-authorization attempt, reused so a burst of failing actions shares one link. */
export async function findOpenAttempt(db: Db, credentialId: string, validUntil: Date): Promise<OAuthAttemptRow | undefined> {
  return db
    .selectFrom('oauth_attempts')
    .selectAll()
    .where('credential_id', '=', credentialId)
    .where('status', '=', 'pending')
    .where('callback_at', 'is', null)
    .where('authorization_url', 'is not', null)
    .where('expires_at', '>', validUntil)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function getCredentialById(db: Db, id: string): Promise<CredentialRow | undefined> {
  return db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Stores a token set. `expectSealed` makes it a compare-and-set: a refresh only lands if the row
 * still holds the tokens it refreshed, so a concurrent delete or re-authorization wins.
 */
export async function storeTokens(
  db: Db,
  id: string,
  input: {
    secretsEncrypted: string;
    keyId: string;
    hints: Record<string, string>;
    expiresAt: Date | null;
    obtainedAt: Date;
    fromStatuses: CredentialRow['status'][];
    expectSealed?: string;
  },
): Promise<boolean> {
  let query = db
    .updateTable('credentials')
    .set({
      status: 'active',
      status_reason: null,
      secrets_encrypted: input.secretsEncrypted,
      key_id: input.keyId,
      hints: JSON.stringify(input.hints),
      expires_at: input.expiresAt,
      token_obtained_at: input.obtainedAt,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('status', 'in', input.fromStatuses);
  if (input.expectSealed !== undefined) query = query.where('secrets_encrypted', '=', input.expectSealed);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setCredentialStatus(
  db: Db,
  id: string,
  input: { status: CredentialRow['status']; reason?: string | null; fromStatuses: CredentialRow['status'][]; dropSecrets?: boolean },
): Promise<boolean> {
  const result = await db
    .updateTable('credentials')
    .set({
      status: input.status,
      status_reason: input.reason ?? null,
      updated_at: new Date(),
      ...(input.dropSecrets ? { secrets_encrypted: null } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', input.fromStatuses)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** OAuth credentials of a connector across every user of the account: disabling the connector revokes them. */
export async function listAccountOAuthCredentials(db: Db, accountId: string, connectorId: string): Promise<CredentialRow[]> {
  return db
    .selectFrom('credentials')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('connector_id', '=', connectorId)
    .where('auth_type', '=', 'oauth2')
    .where('status', '!=', 'revoked')
    .execute();
}

