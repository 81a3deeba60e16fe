import type { Db } from '../db/connect.js';
import { findNewestActiveCredential, getUserCredential } from '../db/repositories/credentials.js';
import type { CredentialRow } from '../db/tables/credentials.js';
import { CredentialNotFoundError } from '../errors.js';
import type { Connector } from '../connectors/registry.js';
import type { SecretBox } from '../secrets/secretBox.js';

export interface AuthorizedRequest {
  credentialId?: string;
  headers: Record<string, string>;
  query: Record<string, string>;
}

/**
 * The headers and query parameters that authenticate one upstream call. Secrets live only in
 * the returned object, inside the activity that makes the call: never in workflow input or results.
 */
export async function authorizeRequest(
  deps: { db: Db; secretBox: SecretBox },
  input: { accountId: string; userId: string; connector: Pick<Connector, 'id' | 'authMethods'>; credentialId?: string },
): Promise<AuthorizedRequest> {
  const { connector } = input;
  const owner = { accountId: input.accountId, userId: input.userId };
  const authTypes = connector.authMethods.map((method) => method.type);
  let row: CredentialRow | undefined;
  if (input.credentialId) {
    row = await getUserCredential(deps.db, owner, input.credentialId);
    if (!row || row.connector_id !== connector.id || row.status !== 'active') {
      throw new CredentialNotFoundError(
        `Credential "${input.credentialId}" is not an active credential of this user for connector "${connector.id}"`,
        { connectorId: connector.id, credentialId: input.credentialId, authTypes },
      );
    }
  } else {
    row = await findNewestActiveCredential(deps.db, { ...owner, connectorId: connector.id });
  }
  if (!row) {
    if (authTypes.includes('none')) return { headers: {}, query: {} };
    throw new CredentialNotFoundError(
      `No credential for connector "${connector.id}"; create one with create_credential (supported: ${authTypes.join(', ')})`,
      { connectorId: connector.id, authTypes },
    );
  }
  if (!row.secrets_encrypted) {
    throw new CredentialNotFoundError(`Credential "${row.id}" has no usable secret`, {
      connectorId: connector.id,
      credentialId: row.id,
      authTypes,
    });
  }
  const fields = JSON.parse(deps.secretBox.open(row.secrets_encrypted, `credential:${row.id}`)) as Record<string, string>;
  return { credentialId: row.id, ...applyCredential(connector, row.auth_type, fields) };
}

function applyCredential(
  connector: Pick<Connector, 'id' | 'authMethods'>,
  authType: CredentialRow['auth_type'],
  fields: Record<string, string>,
): Omit<AuthorizedRequest, 'credentialId'> {
  const method = connector.authMethods.find((candidate) => candidate.type === authType);
  switch (method?.type) {
    case 'apiKey':
      return method.in === 'header'
        ? { headers: { [method.name]: fields.apiKey ?? '' }, query: {} }
        : { headers: {}, query: { [method.name]: fields.apiKey ?? '' } };
    case 'basic':
      return {
        headers: {
          authorization: `Basic ${Buffer.from(`${fields.username ?? ''}:${fields.password ?? ''}`).toString('base64')}`,
        },
        query: {},
      };
    case 'customHeaders':
      return { headers: { ...fields }, query: {} };
    case 'bearer':
    case 'oauth2':
      return { headers: { authorization: `Bearer ${fields.token ?? fields.accessToken ?? ''}` }, query: {} };
    default:
      // The connector no longer offers the method this credential was made for.
      throw new CredentialNotFoundError(`Connector "${connector.id}" no longer accepts ${authType} credentials`, {
        connectorId: connector.id,
        authTypes: connector.authMethods.map((candidate) => candidate.type),
      });
  }
}
