import { createHash } from 'node:crypto';
import type { SecretBox } from '../secrets/secretBox.js';
import { maskSecret } from './masking.js';

/** What an OAuth credential's sealed column holds. */
export interface OAuthSecrets {
  accessToken: string;
  refreshToken?: string;
  tokenType: string;
  scope?: string;
}

export const credentialSecretContext = (credentialId: string) => `credential:${credentialId}`;
export const verifierContext = (attemptId: string) => `oauth-attempt:${attemptId}:verifier`;
export const callbackContext = (attemptId: string) => `oauth-attempt:${attemptId}:callback`;

export function openOAuthSecrets(secretBox: SecretBox, credentialId: string, sealed: string): OAuthSecrets {
  return JSON.parse(secretBox.open(sealed, credentialSecretContext(credentialId))) as OAuthSecrets;
}

export function oauthHints(secrets: OAuthSecrets): Record<string, string> {
  return {
    accessToken: maskSecret(secrets.accessToken),
    ...(secrets.refreshToken ? { refreshToken: maskSecret(secrets.refreshToken) } : {}),
  };
}

/** Short fingerprint of a token: lets a caller say "this is the token I saw" without the token entering a history. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/** The callback finds its attempt by this; the state itself is never stored. */
export function stateHashOf(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

/**
 * How long before expiry a token counts as due: the configured margin, but at most half the
 * token's lifetime, so short-lived tokens aren't refreshed the moment they arrive.
 */
export function refreshDueAt(
  row: { expires_at: Date | null; token_obtained_at: Date | null },
  marginSeconds: number,
): number | undefined {
  if (!row.expires_at) return undefined;
  const expiresAt = row.expires_at.getTime();
  const lifetime = row.token_obtained_at ? expiresAt - row.token_obtained_at.getTime() : Number.POSITIVE_INFINITY;
  return expiresAt - Math.min(marginSeconds * 1000, Math.max(0, lifetime / 2));
}
