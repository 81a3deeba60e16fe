import type { Db } from '../db/connect.js';
import { getUserCredential, insertCredential, revokeCredential } from '../db/repositories/credentials.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import { chooseAuthVariant } from '../connectors/authVariants.js';
import type { Connector } from '../connectors/types.js';
import type { SecretBox } from '../secrets/secretBox.js';
import { newId } from '../secrets/tokens.js';
import { maskSecret } from './masking.js';
import { requiredFieldsOf } from './metadata.js';
import { createOAuthCredential, revokeOAuthCredential, type PendingOAuthCredential } from './oauth.js';
import type { OAuthDependencies } from './ports.js';
import type { CreateCredentialInput } from './schemas.js';
import { credentialView, type CredentialOwner, type CredentialView } from './views.js';

/**
 * A credential's life: created from fields (key-based types, active at once) or through the OAuth
 * handshake, and deleted (revoked, at the provider too for OAuth).
 */

/** create_credential for apiKey, bearer, basic, customHeaders and apiKeys; OAuth has its own flow. */
export async function createKeyCredential(
  deps: { db: Db; secretBox: SecretBox },
  owner: CredentialOwner,
  connector: Pick<Connector, 'id' | 'authMethods'>,
  input: CreateCredentialInput,
): Promise<CredentialView> {
  const supported = connector.authMethods.map((method) => method.type);
  const chosen = chooseAuthVariant(connector, input.authenticationType, input.variant);
  if (!chosen) {
    throw new InvalidRequestError(
      `Connector "${connector.id}" does not support ${input.authenticationType} credentials`,
      { connectorId: connector.id, supportedTypes: supported },
    );
  }
  const { method, variant } = chosen;
  if (method.type === 'oauth2' || method.type === 'none') {
    throw new InvalidRequestError(`${method.type} credentials are not created from fields`, {
      connectorId: connector.id,
      authenticationType: method.type,
    });
  }
  const required = requiredFieldsOf(method);
  const fields = input.fields ?? {};
  const missing = required.filter((name) => !fields[name]);
  const unexpected = Object.keys(fields).filter((name) => !required.includes(name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new InvalidRequestError(`Fields for ${method.type} credentials must be exactly: ${required.join(', ')}`, {
      connectorId: connector.id,
      authenticationType: method.type,
      requiredFields: required,
      ...(missing.length > 0 ? { missing } : {}),
      ...(unexpected.length > 0 ? { unexpected } : {}),
    });
  }
  const id = newId('cred');
  const secretsEncrypted = deps.secretBox.seal(JSON.stringify(fields), `credential:${id}`);
  const row = await insertCredential(deps.db, {
    id,
    accountId: owner.accountId,
    userId: owner.userId,
    connectorId: connector.id,
    authType: method.type,
    variant,
    status: 'active',
    ...(input.name ? { name: input.name } : {}),
    secretsEncrypted,
    keyId: deps.secretBox.keyIdOf(secretsEncrypted) ?? null,
    hints: Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, maskSecret(value)])),
  });
  return credentialView(row);
}

/** create_credential: key-based types are stored at once; oauth2 starts the handshake. */
export async function createCredential(
  deps: OAuthDependencies & { secretBox: SecretBox; publicUrl: string },
  owner: CredentialOwner,
  connector: Pick<Connector, 'id' | 'authMethods'>,
  input: CreateCredentialInput,
): Promise<CredentialView | PendingOAuthCredential> {
  if (input.authenticationType !== 'oauth2') return createKeyCredential(deps, owner, connector, input);
  return createOAuthCredential(deps, owner, connector, {
    ...(input.variant ? { variant: input.variant } : {}),
    ...(input.redirectUri ? { redirectUri: input.redirectUri } : {}),
    ...(input.name ? { name: input.name } : {}),
  });
}

/** Deletes (revokes) a credential; OAuth tokens are revoked at the provider and the refresher stops. */
export async function deleteCredential(
  deps: OAuthDependencies,
  owner: CredentialOwner,
  credentialId: string,
): Promise<{ revokedAtProvider: boolean }> {
  const row = await getUserCredential(deps.db, owner, credentialId);
  if (!row || row.status === 'revoked') {
    throw new NotFoundError(`Credential "${credentialId}" does not exist`, { credentialId });
  }
  if (row.auth_type === 'oauth2') return revokeOAuthCredential(deps, row);
  await revokeCredential(deps.db, owner, credentialId);
  return { revokedAtProvider: false };
}
