import { defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * The credential runs: an OAuth connection's handshake (oauthHandshake) and the refresher that
 * keeps each OAuth credential's tokens fresh (credentialRefresher).
 */

// oauthHandshake

/** Ids only: the verifier, state and code live sealed in the attempt's row. */
export interface OAuthHandshakeInput {
  attemptId: string;
  accountId: string;
  userId: string;
  connectorId: string;
  credentialId: string;
  /** How long the authorization link stays valid. */
  timeoutSeconds: number;
  /** An `oauth` remote MCP connector not yet registered: discover its authorization server and register first. */
  discoverClient?: boolean;
}

export interface AuthorizationLink {
  authorizationUrl: string;
  expiresAt: string;
}

/** What the callback route tells the run. A code is never in it: the route seals the callback into the attempt row. */
export interface CallbackNotice {
  error?: string;
  errorDescription?: string;
}

export interface HandshakeOutcome {
  attemptId: string;
  credentialId: string;
  status: 'completed' | 'failed' | 'expired';
  error?: string;
  errorDescription?: string;
}

export const authorizationLinkUpdate = defineUpdate<AuthorizationLink>('authorizationLink');
export const callbackSignal = defineSignal<[CallbackNotice]>('callback');

// credentialRefresher

export interface CredentialRefresherInput {
  credentialId: string;
  accountId: string;
  userId: string;
  connectorId: string;
}

export interface RefreshRequest {
  /** expiring: inside the margin before use; rejected: the upstream answered 401. */
  reason: 'expiring' | 'rejected';
  /** Fingerprint of the access token the caller holds: if it is no longer current, someone already refreshed. */
  seenTokenHash?: string;
}

export interface RefreshResult {
  status: 'active' | 'needs_reauth' | 'revoked' | 'missing';
  refreshed: boolean;
  expiresAt: string | null;
}

export interface RevokeResult {
  revokedAtProvider: boolean;
}

export const refreshUpdate = defineUpdate<RefreshResult, [RefreshRequest]>('refresh');
export const revokeUpdate = defineUpdate<RevokeResult>('revoke');
/** New tokens arrived by another way (a re-authorization): reschedule. */
export const tokensChangedSignal = defineSignal('tokensChanged');
