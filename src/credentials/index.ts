import { z } from 'zod';
import type { Db } from '../db/connect.js';
import { getUserCredential, insertCredential, listUserCredentials, revokeCredential } from '../db/repositories/credentials.js';
import { credentialAuthTypes, type CredentialAuthType, type CredentialRow } from '../db/tables/credentials.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { Connector } from '../connectors/types.js';
import type { AuthMethod } from '../connectors/schema.js';
import type { SecretBox } from '../secrets/secretBox.js';
import { newId } from '../secrets/tokens.js';
import { maskSecret } from './masking.js';
import { createOAuthCredential, revokeOAuthCredential, type PendingOAuthCredential } from './oauth.js';
import type { OAuthDependencies } from './ports.js';

/** Input of create_credential (MCP tool) and POST /api/credentials. */
export const createCredentialInputSchema = z.object({
  connectorId: z.string().min(1).max(64).describe('The connector, e.g. "slack" (see list_connectors)'),
  authenticationType: z.enum(credentialAuthTypes).describe('One of the types get_credential_metadata lists'),
  redirectUri: z
    .url()
    .max(2048)
    .optional()
    .describe('oauth2 only: where the user lands after authorizing; must be one of the OAuth app\'s redirect URIs'),
  fields: z
    .record(z.string().min(1).max(128), z.string().max(8192))
    .optional()
    .describe('Key-based types only: exactly the required fields get_credential_metadata names'),
  name: z.string().min(1).max(100).optional().describe('A label to tell credentials apart'),
});
export type CreateCredentialInput = z.infer<typeof createCredentialInputSchema>;

/** Input of get_credentials (MCP tool) and GET /api/credentials. */
export const listCredentialsInputSchema = z.object({
  connectorId: z.string().min(1).max(64).optional().describe('Only credentials for this connector'),
});
export type ListCredentialsInput = z.infer<typeof listCredentialsInputSchema>;

/** Input of get_credential_metadata. */
export const credentialMetadataInputSchema = z.object({
  connectorId: z.string().min(1).max(64).describe('The connector, e.g. "slack" (see list_connectors)'),
});

export interface CredentialOwner {
  accountId: string;
  userId: string;
}

/** What a caller may see of a credential: never the secret, only masked hints. */
export interface CredentialView {
  credentialId: string;
  connectorId: string;
  authenticationType: CredentialAuthType;
  status: CredentialRow['status'];
  /** Why the credential is failed or needs_reauth. */
  statusReason: string | null;
  name: string | null;
  hints: Record<string, string>;
  expiresAt: string | null;
  createdAt: string;
}

function credentialView(row: CredentialRow): CredentialView {
  return {
    credentialId: row.id,
    connectorId: row.connector_id,
    authenticationType: row.auth_type,
    status: row.status,
    statusReason: row.status_reason,
    name: row.name,
    hints: row.hints,
    expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The field names a key-based auth method needs. */
function requiredFieldsOf(method: AuthMethod): string[] {
  switch (method.type) {
    case 'apiKey':
      return ['apiKey'];
    case 'bearer':
      return ['token'];
    case 'basic':
      return ['username', 'password'];
    case 'customHeaders':
      return method.headers.map((header) => header.name);
    case 'apiKeys':
      return method.keys.map((key) => key.name);
    default:
      return [];
  }
}

export interface CredentialMetadata {
  connectorId: string;
  requiresCredential: boolean;
  authenticationTypes: Array<
    | { type: 'none' }
    | { type: 'apiKey' | 'bearer' | 'basic' | 'customHeaders' | 'apiKeys'; requiredFields: Array<{ name: string; description: string }> }
    | { type: 'oauth2'; authorizationUrl: string; scopes: string[]; availableScopes?: string[]; needsRedirectUri: true }
  >;
}

function fieldDescription(method: AuthMethod, field: string): string {
  if (method.type === 'apiKey') return `API key, sent in the ${method.in === 'header' ? 'header' : 'query parameter'} "${method.name}"`;
  if (method.type === 'bearer') return 'Access token, sent as "Authorization: Bearer <token>"';
  if (method.type === 'customHeaders') return method.headers.find((header) => header.name === field)?.description ?? field;
  if (method.type === 'apiKeys') return method.keys.find((key) => key.name === field)?.description ?? field;
  return field === 'username' ? 'User name for HTTP Basic auth' : 'Password for HTTP Basic auth';
}

/** get_credential_metadata: how a credential for this connector is made. */
export function getCredentialMetadata(connector: Pick<Connector, 'id' | 'authMethods'>): CredentialMetadata {
  return {
    connectorId: connector.id,
    requiresCredential: !connector.authMethods.some((method) => method.type === 'none'),
    authenticationTypes: connector.authMethods.map((method) => {
      if (method.type === 'none') return { type: 'none' as const };
      if (method.type === 'oauth2') {
        return {
          type: 'oauth2' as const,
          authorizationUrl: method.authorizationUrl,
          scopes: method.scopes,
          ...(method.availableScopes ? { availableScopes: method.availableScopes } : {}),
          needsRedirectUri: true as const,
        };
      }
      return {
        type: method.type,
        requiredFields: requiredFieldsOf(method).map((name) => ({ name, description: fieldDescription(method, name) })),
      };
    }),
  };
}


/** create_credential for apiKey, bearer, basic, customHeaders and apiKeys; OAuth has its own flow. */
export async function createKeyCredential(
  deps: { db: Db; secretBox: SecretBox },
  owner: CredentialOwner,
  connector: Pick<Connector, 'id' | 'authMethods'>,
  input: CreateCredentialInput,
): Promise<CredentialView> {
  const supported = connector.authMethods.map((method) => method.type);
  const method = connector.authMethods.find((candidate) => candidate.type === input.authenticationType);
  if (!method) {
    throw new InvalidRequestError(
      `Connector "${connector.id}" does not support ${input.authenticationType} credentials`,
      { connectorId: connector.id, supportedTypes: supported },
    );
  }
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
    status: 'active',
    ...(input.name ? { name: input.name } : {}),
    secretsEncrypted,
    keyId: deps.secretBox.keyIdOf(secretsEncrypted) ?? null,
    hints: Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, maskSecret(value)])),
  });
  return credentialView(row);
}

export async function listCredentials(db: Db, owner: CredentialOwner, input: ListCredentialsInput = {}): Promise<CredentialView[]> {
  const rows = await listUserCredentials(db, { ...owner, ...(input.connectorId ? { connectorId: input.connectorId } : {}) });
  return rows.map(credentialView);
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
