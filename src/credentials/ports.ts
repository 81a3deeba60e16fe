import type { Config } from '../config.js';
import type { Db } from '../db/connect.js';
import type { RefreshRequest, RefreshResult, RevokeResult } from '../workflows/contracts/credentials.js';

/** The credential an OAuth workflow works on, and whose it is. */
interface OAuthCredentialOwner {
  credentialId: string;
  accountId: string;
  userId: string;
  connectorId: string;
}

export interface HandshakeStart {
  attemptId: string;
  authorizationUrl: string;
  expiresAt: string;
}

/**
 * The durable work credentials need. Credentials only say what should happen; the workflows that
 * do it are started by src/starters/oauth.ts, wired in src/app/start.ts.
 */
export interface OAuthFlows {
  /** Records a new attempt and starts its handshake; answers once the authorization link exists. */
  startHandshake(input: OAuthCredentialOwner & { callbackUrl: string; redirectUri: string | null }): Promise<HandshakeStart>;
  /** Asks the credential's refresher to refresh (single-flight across replicas). */
  refresh(owner: OAuthCredentialOwner, request: RefreshRequest): Promise<RefreshResult>;
  /** Revokes at the provider and drops the tokens, in line behind any refresh in flight. */
  revoke(owner: OAuthCredentialOwner): Promise<RevokeResult>;
}

export interface OAuthDependencies {
  db: Db;
  config: Pick<Config, 'oauth'>;
  oauthFlows: OAuthFlows;
}
