import { findNewestActiveCredential, getUserCredential, listUserCredentials } from '../db/repositories/credentials.js';
import { getCredentialById } from '../db/repositories/oauth.js';
import type { CredentialRow } from '../db/tables/credentials.js';
import { CredentialNotFoundError, ServiceUnavailableError } from '../errors.js';
import type { Connector } from '../connectors/types.js';
import type { SecretBox } from '../secrets/secretBox.js';
import { reauthorizationError, refreshOAuthCredential } from './oauth.js';
import type { OAuthDependencies } from './ports.js';
import { openOAuthSecrets, refreshDueAt, tokenFingerprint } from './oauthTokens.js';

export interface AuthorizedRequest {
  credentialId?: string;
  /** An OAuth token: after an upstream 401, authorizing again with it as rejectedToken refreshes once. */
  refreshable?: boolean;
  headers: Record<string, string>;
  query: Record<string, string>;
}

type AuthorizeDependencies = OAuthDependencies & { secretBox: SecretBox };

/**
 * The credential lookup for one call of a run: called first with no argument, then again with the
 * token the upstream rejected, which makes the credential's refresher refresh it.
 */
export function callAuthorizer(
  deps: AuthorizeDependencies,
  call: { accountId: string; userId: string; credentialId?: string },
  connector: Pick<Connector, 'id' | 'authMethods'>,
  /**
   * What the caller just read for the first authorization (src/db/repositories/attemptStart.ts):
   * credentialId's row (null: none), or with no credentialId, that the call has none to use.
   */
  read?: { credentialId?: string; row: CredentialRow | null },
): (rejectedToken?: AuthorizedRequest) => Promise<AuthorizedRequest> {
  return (rejectedToken) =>
    authorizeRequest(deps, {
      accountId: call.accountId,
      userId: call.userId,
      connector,
      ...(call.credentialId ? { credentialId: call.credentialId } : {}),
      ...(read && !rejectedToken ? read : {}),
      ...(rejectedToken ? { credentialId: rejectedToken.credentialId, rejectedToken } : {}),
    });
}

/**
 * The headers and query parameters that authenticate one upstream call. Secrets live only in
 * the returned object, inside the activity that makes the call: never in workflow input or results.
 * OAuth tokens inside their expiry margin are refreshed first, through the credential's refresher
 * workflow; pass `rejectedToken` after an upstream 401 to force one refresh past the token it used.
 */
export async function authorizeRequest(
  deps: AuthorizeDependencies,
  input: {
    accountId: string;
    userId: string;
    connector: Pick<Connector, 'id' | 'authMethods'>;
    credentialId?: string;
    rejectedToken?: AuthorizedRequest;
    /**
     * credentialId's row of this user as the caller just read it (null: none), instead of reading
     * it here; without a credentialId, null says the call has none (no newest is looked for).
     */
    row?: CredentialRow | null;
  },
): Promise<AuthorizedRequest> {
  const { connector } = input;
  const owner = { accountId: input.accountId, userId: input.userId };
  const authTypes = connector.authMethods.map((method) => method.type);
  // A public connector or operation: nothing to send, whatever credentials exist.
  if (authTypes.every((type) => type === 'none')) return { headers: {}, query: {} };
  let row: CredentialRow | undefined;
  if (input.credentialId) {
    row = input.row !== undefined ? (input.row ?? undefined) : await getUserCredential(deps.db, owner, input.credentialId);
    if (row?.connector_id === connector.id && row.status === 'needs_reauth') throw await reauthorizationError(deps, row, authTypes);
    if (!row || row.connector_id !== connector.id || (row.status !== 'active' && row.status !== 'refreshing')) {
      throw new CredentialNotFoundError(
        `Credential "${input.credentialId}" is not an active credential of this user for connector "${connector.id}"`,
        { connectorId: connector.id, credentialId: input.credentialId, authTypes },
      );
    }
  } else if (input.row !== null) {
    row = await findNewestActiveCredential(deps.db, { ...owner, connectorId: connector.id });
  }
  if (!row) {
    if (authTypes.includes('none')) return { headers: {}, query: {} };
    const lapsed = (await listUserCredentials(deps.db, { ...owner, connectorId: connector.id })).find(
      (candidate) => candidate.status === 'needs_reauth',
    );
    if (lapsed) throw await reauthorizationError(deps, lapsed, authTypes);
    throw new CredentialNotFoundError(
      `No credential for connector "${connector.id}"; create one with create_credential (supported: ${authTypes.join(', ')})`,
      { connectorId: connector.id, authTypes },
    );
  }
  if (row.auth_type === 'oauth2') row = await freshOAuthRow(deps, row, authTypes, input.rejectedToken);
  if (!row.secrets_encrypted) {
    throw new CredentialNotFoundError(`Credential "${row.id}" has no usable secret`, {
      connectorId: connector.id,
      credentialId: row.id,
      authTypes,
    });
  }
  const fields = JSON.parse(deps.secretBox.open(row.secrets_encrypted, `credential:${row.id}`)) as Record<string, string>;
  return {
    credentialId: row.id,
    ...(row.auth_type === 'oauth2' ? { refreshable: true } : {}),
    ...applyCredential(connector, row.auth_type, fields),
  };
}

/** The row with a token that is not inside its margin (or not the one the upstream just rejected). */
async function freshOAuthRow(
  deps: AuthorizeDependencies,
  row: CredentialRow,
  authTypes: string[],
  rejected: AuthorizedRequest | undefined,
): Promise<CredentialRow> {
  if (!row.secrets_encrypted) throw await reauthorizationError(deps, row, authTypes);
  const secrets = openOAuthSecrets(deps.secretBox, row.id, row.secrets_encrypted);
  const rejectedHere = rejected?.credentialId === row.id && rejected.headers.authorization === `Bearer ${secrets.accessToken}`;
  const dueAt = refreshDueAt(row, deps.config.oauth.refreshMarginSeconds);
  const due = row.status === 'refreshing' || (dueAt !== undefined && dueAt <= Date.now());
  if (!rejectedHere && !due) return row;
  const result = await refreshOAuthCredential(deps, row, {
    reason: rejectedHere ? 'rejected' : 'expiring',
    seenTokenHash: tokenFingerprint(secrets.accessToken),
  });
  const current = await getCredentialById(deps.db, row.id);
  if (!current || result.status === 'revoked' || result.status === 'missing' || current.status === 'revoked') {
    throw new CredentialNotFoundError(`Credential "${row.id}" was deleted`, { connectorId: row.connector_id, credentialId: row.id, authTypes });
  }
  if (result.status === 'needs_reauth' || current.status === 'needs_reauth') throw await reauthorizationError(deps, current, authTypes);
  if (!current.secrets_encrypted) throw new ServiceUnavailableError('The OAuth token could not be refreshed; try again shortly');
  return current;
}

function applyCredential(
  connector: Pick<Connector, 'id' | 'authMethods'>,
  authType: CredentialRow['auth_type'],
  fields: Record<string, string>,
): Omit<AuthorizedRequest, 'credentialId' | 'refreshable'> {
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
    case 'apiKeys':
      return {
        headers: Object.fromEntries(method.keys.filter((key) => key.in === 'header').map((key) => [key.name, fields[key.name] ?? ''])),
        query: Object.fromEntries(method.keys.filter((key) => key.in === 'query').map((key) => [key.name, fields[key.name] ?? ''])),
      };
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
