import { chooseAuthVariant } from '../connectors/authVariants.js';
import type { Connector } from '../connectors/types.js';
import { insertCredential } from '../db/repositories/credentials.js';
import { findOpenAttempt, getOAuthApp, latestAttemptFor, listAccountOAuthCredentials } from '../db/repositories/oauth.js';
import type { CredentialRow } from '../db/tables/credentials.js';
import type { OAuthAppRow } from '../db/tables/oauth.js';
import type { RefreshResult } from '../workflows/contracts/credentials.js';
import { CredentialNotFoundError, InvalidRequestError } from '../errors.js';
import { isRemoteMcpConnectorId } from '../remoteMcp/connector.js';
import { newId } from '../secrets/tokens.js';
import { callbackUrlOf, oauthMethodOf } from './oauthApps.js';
import type { OAuthDependencies } from './ports.js';

/** create_credential's answer for oauth2: where to send the user, and the id the credential will have. */
export interface PendingOAuthCredential {
  credentialId: string;
  status: 'pending';
  authorizationUrl: string;
  expiresAt: string;
  validForSeconds: number;
}

const ownerOf = (row: CredentialRow) => ({
  credentialId: row.id,
  accountId: row.account_id,
  userId: row.user_id,
  connectorId: row.connector_id,
});

/** What a new credential's handshake needs set up first: the redirect URIs its OAuth app allows. */
export type HandshakeApp = Pick<OAuthAppRow, 'redirect_uris'>;

/**
 * The account's OAuth app for a connector, undefined when none is configured. Remote MCP servers
 * register their own client during the handshake: they need no app, and allow no redirect URI.
 */
export async function handshakeAppFor(db: OAuthDependencies['db'], accountId: string, connectorId: string): Promise<HandshakeApp | undefined> {
  return isRemoteMcpConnectorId(connectorId) ? { redirect_uris: [] } : getOAuthApp(db, accountId, connectorId);
}

/**
 * Starts the OAuth handshake for a new credential. The row exists (pending) from the start, so
 * the caller can hold on to its id while the user authorizes. A caller that already read the
 * app (handshakeAppFor) passes it, so one call reads it once.
 */
export async function createOAuthCredential(
  deps: OAuthDependencies & { publicUrl: string },
  owner: { accountId: string; userId: string },
  connector: Pick<Connector, 'id' | 'authMethods'>,
  input: { redirectUri?: string; name?: string; variant?: string },
  knownApp?: HandshakeApp,
): Promise<PendingOAuthCredential> {
  oauthMethodOf(connector);
  const variant = chooseAuthVariant(connector, 'oauth2', input.variant)?.variant;
  const app = knownApp ?? (await handshakeAppFor(deps.db, owner.accountId, connector.id));
  if (!app) {
    throw new InvalidRequestError(
      `No OAuth app is configured for "${connector.id}"; an administrator sets one with PUT /api/oauth-apps/${connector.id}`,
      { connectorId: connector.id },
    );
  }
  if (input.redirectUri !== undefined && !app.redirect_uris.includes(input.redirectUri)) {
    throw new InvalidRequestError('redirectUri must exactly match one of the redirect URIs configured for this OAuth app', {
      connectorId: connector.id,
      redirectUri: input.redirectUri,
      allowedRedirectUris: app.redirect_uris,
    });
  }
  const credentialId = newId('cred');
  await insertCredential(deps.db, {
    id: credentialId,
    accountId: owner.accountId,
    userId: owner.userId,
    connectorId: connector.id,
    authType: 'oauth2',
    ...(variant ? { variant } : {}),
    status: 'pending',
    ...(input.name ? { name: input.name } : {}),
    secretsEncrypted: null,
    keyId: null,
    hints: {},
  });
  const started = await deps.oauthFlows.startHandshake({
    ...owner,
    connectorId: connector.id,
    credentialId,
    callbackUrl: callbackUrlOf(deps.publicUrl),
    redirectUri: input.redirectUri ?? null,
  });
  return {
    credentialId,
    status: 'pending',
    authorizationUrl: started.authorizationUrl,
    expiresAt: started.expiresAt,
    validForSeconds: Math.max(0, Math.round((Date.parse(started.expiresAt) - Date.now()) / 1000)),
  };
}

/**
 * The error for a credential that needs the user again, carrying a fresh authorization link
 * (an open one is reused, so a burst of failing actions shares a single attempt).
 */
export async function reauthorizationError(deps: OAuthDependencies, row: CredentialRow, authTypes: string[]): Promise<CredentialNotFoundError> {
  const details = { connectorId: row.connector_id, credentialId: row.id, status: 'needs_reauth', authTypes };
  const message = `Credential "${row.id}" for "${row.connector_id}" needs the user to authorize again${row.status_reason ? ` (${row.status_reason})` : ''}`;
  const open = await findOpenAttempt(deps.db, row.id, new Date(Date.now() + 60_000));
  if (open?.authorization_url) {
    return new CredentialNotFoundError(message, { ...details, authorizationUrl: open.authorization_url, expiresAt: open.expires_at.toISOString() });
  }
  const previous = await latestAttemptFor(deps.db, row.id);
  if (!previous) return new CredentialNotFoundError(message, details);
  const started = await deps.oauthFlows.startHandshake({
    accountId: row.account_id,
    userId: row.user_id,
    connectorId: row.connector_id,
    credentialId: row.id,
    callbackUrl: previous.callback_url,
    redirectUri: previous.redirect_uri,
  });
  return new CredentialNotFoundError(message, { ...details, authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt });
}

export function refreshOAuthCredential(
  deps: OAuthDependencies,
  row: CredentialRow,
  request: { reason: 'expiring' | 'rejected'; seenTokenHash: string },
): Promise<RefreshResult> {
  return deps.oauthFlows.refresh(ownerOf(row), request);
}

export async function revokeOAuthCredential(deps: OAuthDependencies, row: CredentialRow): Promise<{ revokedAtProvider: boolean }> {
  return deps.oauthFlows.revoke(ownerOf(row));
}

/** Disabling a connector for an account revokes every OAuth credential its users hold for it. */
export async function revokeConnectorCredentials(deps: OAuthDependencies, accountId: string, connectorId: string): Promise<number> {
  const rows = await listAccountOAuthCredentials(deps.db, accountId, connectorId);
  await Promise.all(rows.map((row) => revokeOAuthCredential(deps, row)));
  return rows.length;
}
