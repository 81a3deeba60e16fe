import { randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { ensureRefresherRunning } from '../starters/oauth.js';
import {
  callbackContext,
  credentialSecretContext,
  oauthHints, openOAuthSecrets, refreshDueAt, stateHashOf,
  tokenFingerprint,
  verifierContext,
  type OAuthSecrets,
} from '../credentials/oauthTokens.js';
import {
  finishAttempt,
  getAttempt,
  getCredentialById,
  setAttemptPrepared,
  setCredentialStatus,
  storeTokens,
} from '../db/repositories/oauth.js';
import type { CredentialRow } from '../db/tables/credentials.js';
import { CredentialNotFoundError, InvalidRequestError, SwitchboardError } from '../errors.js';
import { createUpstreamAgent } from '../upstream/egress.js';
import type { ActivityDependencies } from './dependencies.js';
import { buildAuthorizationUrl, exchangeCode, loadOAuthParty, OAuthProviderError, refreshTokens, revokeToken, type TokenSet } from '../upstream/oauthProvider.js';
import type { CredentialRefresherInput, RefreshResult, RevokeResult, AuthorizationLink } from '../workflows/contracts/credentials.js';

function sealTokens(deps: ActivityDependencies, credentialId: string, tokens: TokenSet, previous?: OAuthSecrets) {
  // A refresh response without a refresh token means: keep using the one you have.
  const refreshToken = tokens.refreshToken ?? previous?.refreshToken;
  const scope = tokens.scope ?? previous?.scope;
  const secrets: OAuthSecrets = {
    accessToken: tokens.accessToken,
    tokenType: tokens.tokenType,
    ...(refreshToken ? { refreshToken } : {}),
    ...(scope ? { scope } : {}),
  };
  const sealed = deps.secretBox.seal(JSON.stringify(secrets), credentialSecretContext(credentialId));
  const now = new Date();
  return {
    secrets,
    values: {
      secretsEncrypted: sealed,
      keyId: deps.secretBox.keyIdOf(sealed) ?? deps.secretBox.currentKeyId,
      hints: oauthHints(secrets),
      expiresAt: tokens.expiresIn !== undefined ? new Date(now.getTime() + tokens.expiresIn * 1000) : null,
      obtainedAt: now,
    },
  };
}

function inactive(row: CredentialRow | undefined): RefreshResult | undefined {
  if (!row) return { status: 'missing', refreshed: false, expiresAt: null };
  if (row.status === 'revoked') return { status: 'revoked', refreshed: false, expiresAt: null };
  if (row.status === 'needs_reauth' || row.status === 'failed' || row.status === 'pending' || !row.secrets_encrypted) {
    return { status: 'needs_reauth', refreshed: false, expiresAt: null };
  }
  return undefined;
}

const resultOf = (row: Pick<CredentialRow, 'expires_at'>, refreshed: boolean): RefreshResult => ({
  status: 'active',
  refreshed,
  expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
});

export function createOAuthActivities(deps: ActivityDependencies) {
  const agent = createUpstreamAgent(deps.config);
  const margin = deps.config.oauth.refreshMarginSeconds;

  return {
    /** Generates state and PKCE verifier, seals the verifier into the attempt row and returns the link. */
    async prepareAuthorization(input: { attemptId: string }): Promise<AuthorizationLink> {
      const attempt = await getAttempt(deps.db, input.attemptId);
      if (!attempt) throw new SwitchboardError('NOT_FOUND', `OAuth attempt ${input.attemptId} does not exist`);
      const party = await loadOAuthParty(deps, agent, attempt.account_id, attempt.connector_id);
      // The attempt id in the state is only a readable label; the random part is what binds it.
      const state = `${attempt.id}.${randomBytes(24).toString('base64url')}`;
      const verifier = oauth.generateRandomCodeVerifier();
      const authorizationUrl = buildAuthorizationUrl(party, {
        callbackUrl: attempt.callback_url,
        state,
        codeChallenge: await oauth.calculatePKCECodeChallenge(verifier),
      });
      await setAttemptPrepared(deps.db, attempt.id, {
        stateHash: stateHashOf(state),
        codeVerifierEncrypted: deps.secretBox.seal(verifier, verifierContext(attempt.id)),
        authorizationUrl,
      });
      return { authorizationUrl, expiresAt: attempt.expires_at.toISOString() };
    },

    /** Redeems the code sealed by the callback route and stores the tokens on the credential. */
    async exchangeAuthorizationCode(input: { attemptId: string }): Promise<{ hasRefreshToken: boolean }> {
      const attempt = await getAttempt(deps.db, input.attemptId);
      if (!attempt?.callback_encrypted || !attempt.code_verifier_encrypted) {
        throw new InvalidRequestError('The attempt has no callback to redeem', { attemptId: input.attemptId });
      }
      const party = await loadOAuthParty(deps, agent, attempt.account_id, attempt.connector_id);
      const tokens = await exchangeCode(party, {
        callbackQuery: deps.secretBox.open(attempt.callback_encrypted, callbackContext(attempt.id)),
        callbackUrl: attempt.callback_url,
        codeVerifier: deps.secretBox.open(attempt.code_verifier_encrypted, verifierContext(attempt.id)),
      });
      const { secrets, values } = sealTokens(deps, attempt.credential_id, tokens);
      // A credential deleted meanwhile stays deleted: only pending (new) or needs_reauth (re-auth) rows take tokens.
      const stored = await storeTokens(deps.db, attempt.credential_id, {
        ...values,
        fromStatuses: ['pending', 'needs_reauth', 'failed', 'active'],
      });
      if (!stored) throw new CredentialNotFoundError('The credential was deleted during the handshake', { credentialId: attempt.credential_id });
      await finishAttempt(deps.db, attempt.id, { status: 'completed' });
      return { hasRefreshToken: secrets.refreshToken !== undefined };
    },

    /** Ends a failed or expired attempt; a credential that never got tokens records why. */
    async finishAuthorization(input: { attemptId: string; status: 'failed' | 'expired'; error?: string; errorDescription?: string }) {
      await finishAttempt(deps.db, input.attemptId, input);
      const attempt = await getAttempt(deps.db, input.attemptId);
      if (!attempt) return;
      const reason = [input.error, input.errorDescription].filter(Boolean).join(': ');
      await setCredentialStatus(deps.db, attempt.credential_id, { status: 'failed', reason, fromStatuses: ['pending'] });
    },

    async ensureRefresher(input: CredentialRefresherInput): Promise<void> {
      await ensureRefresherRunning(deps.temporal, input);
    },

    /** When the refresher should next wake: expiry minus the margin; inactive ends the refresher. */
    async refreshSchedule(input: { credentialId: string }): Promise<{ active: boolean; refreshAt?: number }> {
      const row = await getCredentialById(deps.db, input.credentialId);
      if (!row || inactive(row) || row.auth_type !== 'oauth2') return { active: false };
      const secrets = openOAuthSecrets(deps.secretBox, row.id, row.secrets_encrypted!);
      if (!secrets.refreshToken) return { active: false };
      const dueAt = refreshDueAt(row, margin);
      return { active: true, ...(dueAt !== undefined ? { refreshAt: dueAt } : {}) };
    },

    /**
     * Refreshes when the caller's view is still current: the token it saw is the stored one and
     * (unless the upstream rejected it) it is inside the margin. Everyone else gets the stored token.
     */
    async refreshCredentialTokens(input: {
      credentialId: string;
      reason: 'expiring' | 'rejected' | 'scheduled';
      seenTokenHash?: string;
    }): Promise<RefreshResult> {
      const row = await getCredentialById(deps.db, input.credentialId);
      const ended = inactive(row);
      if (ended || !row) return ended!;
      const secrets = openOAuthSecrets(deps.secretBox, row.id, row.secrets_encrypted!);
      if (input.seenTokenHash && input.seenTokenHash !== tokenFingerprint(secrets.accessToken)) return resultOf(row, false);
      const dueAt = refreshDueAt(row, margin);
      if (input.reason !== 'rejected' && (dueAt === undefined || dueAt > Date.now())) return resultOf(row, false);
      if (!secrets.refreshToken) {
        await setCredentialStatus(deps.db, row.id, {
          status: 'needs_reauth',
          reason: 'The access token expired and the provider gave no refresh token',
          fromStatuses: ['active', 'refreshing'],
        });
        return { status: 'needs_reauth', refreshed: false, expiresAt: null };
      }

      await setCredentialStatus(deps.db, row.id, { status: 'refreshing', fromStatuses: ['active'] });
      try {
        const party = await loadOAuthParty(deps, agent, row.account_id, row.connector_id);
        const tokens = await refreshTokens(party, secrets.refreshToken);
        const { values } = sealTokens(deps, row.id, tokens, secrets);
        // Access and (rotated) refresh token land in one UPDATE, and only over the tokens we refreshed.
        await storeTokens(deps.db, row.id, { ...values, fromStatuses: ['refreshing', 'active'], expectSealed: row.secrets_encrypted! });
        deps.logger.info({ credentialId: row.id, connectorId: row.connector_id, reason: input.reason }, 'oauth token refreshed');
        return resultOf({ expires_at: values.expiresAt }, true);
      } catch (error) {
        if (error instanceof OAuthProviderError && error.kind === 'invalid_grant') {
          await setCredentialStatus(deps.db, row.id, {
            status: 'needs_reauth',
            reason: error.message,
            fromStatuses: ['active', 'refreshing'],
          });
          deps.logger.warn({ credentialId: row.id, connectorId: row.connector_id }, 'oauth refresh token rejected; credential needs re-authorization');
          return { status: 'needs_reauth', refreshed: false, expiresAt: null };
        }
        await setCredentialStatus(deps.db, row.id, { status: 'active', fromStatuses: ['refreshing'] });
        throw error;
      }
    },

    /** RFC 7009 revocation of both tokens where the provider has an endpoint, then the row drops its secrets. */
    async revokeCredentialTokens(input: { credentialId: string }): Promise<RevokeResult> {
      const row = await getCredentialById(deps.db, input.credentialId);
      if (!row) return { revokedAtProvider: false };
      let revokedAtProvider = false;
      if (row.secrets_encrypted && row.auth_type === 'oauth2') {
        try {
          const party = await loadOAuthParty(deps, agent, row.account_id, row.connector_id);
          if (party.as.revocation_endpoint) {
            const secrets = openOAuthSecrets(deps.secretBox, row.id, row.secrets_encrypted);
            // The refresh token first: revoking it ends the grant, so a leaked access token can't mint more.
            if (secrets.refreshToken) await revokeToken(party, secrets.refreshToken, 'refresh_token');
            await revokeToken(party, secrets.accessToken, 'access_token');
            revokedAtProvider = true;
          }
        } catch (error) {
          // The user asked for the credential to go; a provider that can't be reached doesn't stop that.
          deps.logger.warn(
            { credentialId: row.id, connectorId: row.connector_id, error: (error as Error).message },
            'revoking the token at the provider failed',
          );
        }
      }
      await setCredentialStatus(deps.db, row.id, {
        status: 'revoked',
        fromStatuses: ['pending', 'active', 'refreshing', 'needs_reauth', 'failed'],
        dropSecrets: true,
      });
      return { revokedAtProvider };
    },
  };
}
