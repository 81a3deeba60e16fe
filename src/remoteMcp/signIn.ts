import { resolveConnector } from '../connectors/registry.js';
import { authorizeRequest } from '../credentials/authorize.js';
import { authorizeMissingCredential } from '../credentials/authorizationLinks.js';
import { findNewestActiveCredential } from '../db/repositories/credentials.js';
import type { RemoteMcpConnectorRow } from '../db/tables/remoteMcpConnectors.js';
import { CredentialNotFoundError, SwitchboardError } from '../errors.js';
import { connectorIdOfRow } from './connector.js';
import { signInHint } from './predefinedEntries.js';
import type { TestRemoteMcpConnectorResponse } from './schemas.js';
import { resolveEndpoint, type RemoteEndpoint } from './variables.js';
import { secretsOfAuth } from '../secrets/redaction.js';
import type { RemoteMcpDependencies } from './ports.js';

/** Where to reach an `oauth` server as this user: their newest active token (refreshed if due) in the Authorization header. */
export async function userEndpoint(deps: RemoteMcpDependencies, owner: { accountId: string; userId: string }, row: RemoteMcpConnectorRow): Promise<RemoteEndpoint> {
  const endpoint = await resolveEndpoint(deps, row);
  const connector = await resolveConnector(deps.db, owner.accountId, connectorIdOfRow(row));
  const auth = await authorizeRequest(deps, { ...owner, connector });
  return { ...endpoint, headers: { ...endpoint.headers, ...auth.headers }, secrets: [...endpoint.secrets, ...secretsOfAuth(auth)] };
}

export async function hasConnected(deps: RemoteMcpDependencies, owner: { accountId: string; userId: string }, row: RemoteMcpConnectorRow): Promise<boolean> {
  return (await findNewestActiveCredential(deps.db, { ...owner, connectorId: connectorIdOfRow(row) })) !== undefined;
}

/**
 * The test of an `oauth` server before the user connected: "Sign-in required", with the link
 * that connects it (the handshake discovers and registers with the server's authorization server
 * first, so a server that does not follow the spec is reported here).
 */
export async function signInRequired(
  deps: RemoteMcpDependencies,
  owner: { accountId: string; userId: string },
  row: RemoteMcpConnectorRow,
): Promise<TestRemoteMcpConnectorResponse> {
  const connectorId = connectorIdOfRow(row);
  const hint = signInHint(row.name, connectorId);
  try {
    const connector = await resolveConnector(deps.db, owner.accountId, connectorId);
    const link = await authorizeMissingCredential(deps, owner, connector);
    return {
      ok: false,
      message: 'Sign-in required',
      error: 'Sign-in required',
      needsConnection: true,
      connectorId,
      hint,
      ...(link ? { authorizationUrl: link.authorizationUrl, credentialId: link.credentialId } : {}),
    };
  } catch (error) {
    if (!(error instanceof SwitchboardError)) throw error;
    return { ok: false, error: `Sign-in required, but the sign-in could not start: ${error.message}`, needsConnection: true, connectorId, hint };
  }
}

/**
 * For a call on an `oauth` server whose tools nobody has listed yet: nothing can run before a
 * sign-in, so the caller gets CREDENTIAL_NOT_FOUND with the link (the same open attempt each time).
 */
export async function signInFirst(deps: RemoteMcpDependencies, owner: { accountId: string; userId: string }, row: RemoteMcpConnectorRow): Promise<SwitchboardError> {
  const connectorId = connectorIdOfRow(row);
  const connector = await resolveConnector(deps.db, owner.accountId, connectorId);
  const link = await authorizeMissingCredential(deps, owner, connector);
  return new CredentialNotFoundError(
    `Sign-in required: ${row.name}'s tools are listed once the user has connected it; ask the user to open authorizationUrl, then call again`,
    { connectorId, authTypes: ['oauth2'], ...(link ? { credentialId: link.credentialId, authorizationUrl: link.authorizationUrl, expiresAt: link.expiresAt } : {}) },
  );
}
