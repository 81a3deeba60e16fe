import type { Connector } from '../connectors/types.js';
import { listUserCredentials } from '../db/repositories/credentials.js';
import { findOpenAttempt, latestAttemptFor } from '../db/repositories/oauth.js';
import { createOAuthCredential, handshakeAppFor } from './oauth.js';
import type { OAuthDependencies } from './ports.js';
import { callbackUrlOf } from './oauthApps.js';

/** A link that makes a user's missing (or lapsed) OAuth credential usable, and the attempt behind it. */
export interface CredentialAuthorization {
  credentialId: string;
  attemptId: string;
  authorizationUrl: string;
  expiresAt: string;
  validForSeconds: number;
}

const secondsUntil = (iso: string) => Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 1000));

/**
 * For a user with no usable credential on an OAuth connector whose app is configured: an open
 * link for a pending or lapsed credential is reused (so a burst of calls shares one attempt), a
 * lapsed credential gets a new attempt, and otherwise a pending credential is created. The user
 * lands on our result page. Undefined when the connector has no OAuth or no app is set up.
 */
export async function authorizeMissingCredential(
  deps: OAuthDependencies & { publicUrl: string },
  owner: { accountId: string; userId: string },
  connector: Pick<Connector, 'id' | 'authMethods'>,
): Promise<CredentialAuthorization | undefined> {
  if (!connector.authMethods.some((method) => method.type === 'oauth2')) return undefined;
  const app = await handshakeAppFor(deps.db, owner.accountId, connector.id);
  if (!app) return undefined;
  const waiting = (await listUserCredentials(deps.db, { ...owner, connectorId: connector.id })).filter(
    (row) => row.auth_type === 'oauth2' && (row.status === 'pending' || row.status === 'needs_reauth'),
  );
  for (const row of waiting) {
    const open = await findOpenAttempt(deps.db, row.id, new Date(Date.now() + 60_000));
    if (open?.authorization_url) {
      const expiresAt = open.expires_at.toISOString();
      return { credentialId: row.id, attemptId: open.id, authorizationUrl: open.authorization_url, expiresAt, validForSeconds: secondsUntil(expiresAt) };
    }
  }
  const lapsed = waiting.find((row) => row.status === 'needs_reauth');
  if (lapsed) {
    const started = await deps.oauthFlows.startHandshake({
      ...owner,
      connectorId: connector.id,
      credentialId: lapsed.id,
      callbackUrl: callbackUrlOf(deps.publicUrl),
      redirectUri: null,
    });
    return { credentialId: lapsed.id, ...started, validForSeconds: secondsUntil(started.expiresAt) };
  }
  const created = await createOAuthCredential(deps, owner, connector, {}, app);
  const attempt = await latestAttemptFor(deps.db, created.credentialId);
  return {
    credentialId: created.credentialId,
    attemptId: attempt!.id,
    authorizationUrl: created.authorizationUrl,
    expiresAt: created.expiresAt,
    validForSeconds: created.validForSeconds,
  };
}
