import { getUserCredential } from '../db/repositories/credentials.js';
import { findOpenAttempt } from '../db/repositories/oauth.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { CredentialOwner } from './views.js';
import type { OAuthDependencies } from './ports.js';
import { callbackUrlOf } from './oauthApps.js';

export interface Reauthorization {
  credentialId: string;
  authorizationUrl: string;
  expiresAt: string;
}

/**
 * Sends the user through OAuth again for an existing credential, keeping its id: servers and
 * runs that name it keep working once the new tokens land. An open link is reused, so pressing
 * the button twice does not start two handshakes.
 */
export async function reauthorizeCredential(
  deps: OAuthDependencies & { publicUrl: string },
  owner: CredentialOwner,
  credentialId: string,
): Promise<Reauthorization> {
  const row = await getUserCredential(deps.db, owner, credentialId);
  if (!row || row.status === 'revoked') throw new NotFoundError(`Credential "${credentialId}" does not exist`, { credentialId });
  if (row.auth_type !== 'oauth2') {
    throw new InvalidRequestError(`Credential "${credentialId}" is ${row.auth_type}: only oauth2 credentials are re-authorized; create a new one instead`, {
      credentialId,
      authenticationType: row.auth_type,
    });
  }
  const open = await findOpenAttempt(deps.db, row.id, new Date(Date.now() + 60_000));
  if (open?.authorization_url) return { credentialId, authorizationUrl: open.authorization_url, expiresAt: open.expires_at.toISOString() };
  const started = await deps.oauthFlows.startHandshake({
    ...owner,
    connectorId: row.connector_id,
    credentialId,
    callbackUrl: callbackUrlOf(deps.publicUrl),
    redirectUri: null,
  });
  return { credentialId, authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt };
}
