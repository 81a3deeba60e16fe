import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refresherWorkflowId } from '../../src/starters/oauth.js';
import { openOAuthSecrets, type OAuthSecrets } from '../../src/credentials/oauthTokens.js';
import { getCredentialById } from '../../src/db/repositories/oauth.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startOAuthUpstream } from '../support/fixtures.js';
import { actionOutcome, api, connectMcp, toolError } from '../support/mcp.js';
import type { OAuthServerHandle } from '../support/oauthServer.js';
import type { TokenCheckedApi } from '../support/tokenCheckedApi.js';

const CLIENT_SECRET = 'CANARY-client-secret-7f3a9c1e5b2d4f60';
const BEARER_CANARY = 'CANARY-bearer-token-0b1c2d3e4f5a6b7c8d9e';
const CLIENT_REDIRECT = 'https://client.example/oauth/done';

describe('OAuth credentials', () => {
  let app: TestApp;
  let provider: OAuthServerHandle;
  let upstream: TokenCheckedApi;
  let mcp: Client;
  /** Every response body a client saw, searched for secrets at the end. */
  const responses: string[] = [];
  /** Every token value the credentials held, searched for in logs and histories at the end. */
  const tokens = new Set<string>();

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await api(app.apiUrl, app.apiKey, method, path, body);
    responses.push(JSON.stringify(response.body ?? null));
    return response;
  };
  const tool = async (name: string, args: Record<string, unknown>) => {
    const result = await mcp.callTool({ name, arguments: args });
    responses.push(JSON.stringify(result));
    return result as { isError?: boolean; structuredContent: any; content?: unknown };
  };
  const secretsOf = async (credentialId: string): Promise<OAuthSecrets> => {
    const row = await getCredentialById(app.database.db, credentialId);
    const secrets = openOAuthSecrets(app.secretBox, credentialId, row!.secrets_encrypted!);
    tokens.add(secrets.accessToken);
    if (secrets.refreshToken) tokens.add(secrets.refreshToken);
    return secrets;
  };
  const expireInDatabase = (credentialId: string) =>
    app.database.db
      .updateTable('credentials')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', credentialId)
      .execute();

  /** create_credential over MCP, then the user's browser: login, consent, and back through /oauth/callback. */
  async function connect(options: { login?: string; deny?: boolean } = {}) {
    const created = await tool('create_credential', { connectorId: 'slack', authenticationType: 'oauth2', redirectUri: CLIENT_REDIRECT });
    expect(created.isError).toBeFalsy();
    const { credentialId, authorizationUrl } = created.structuredContent;
    const callbackUrl = await provider.authorize(authorizationUrl, { accountId: options.login ?? 'user-1', ...(options.deny ? { deny: true } : {}) });
    const landed = await fetch(callbackUrl, { redirect: 'manual' });
    return { credentialId: credentialId as string, authorizationUrl: authorizationUrl as string, callbackUrl, landed, created: created.structuredContent };
  }

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000', REFRESH_MARGIN_SECONDS: '60' } });
    ({ provider, upstream } = await startOAuthUpstream(app, CLIENT_SECRET));
    const configured = await call('PUT', '/api/oauth-apps/slack', {
      clientId: 'switchboard',
      clientSecret: CLIENT_SECRET,
      scopes: ['channels:read'],
      redirectUris: [CLIENT_REDIRECT],
      authorizationUrl: provider.endpoints.authorization,
      tokenUrl: provider.endpoints.token,
      revocationUrl: provider.endpoints.revocation,
      issuer: provider.issuer,
    });
    expect(configured.status).toBe(200);
    expect(configured.body).toMatchObject({ clientSecretHint: '…2d4f60', callbackUrl: `${app.apiUrl}/oauth/callback` });
    // Slack's own limit (1/s) would spread the 50-action test over 50 s; these tests are about refresh.
    const settings = { baseUrl: upstream.url, rateLimit: { requestsPerSecond: 1000, burst: 100 } };
    expect((await call('PUT', '/api/connectors/slack/settings', settings)).status).toBe(200);
    const server = await call('POST', '/api/servers', { name: 'oauth tests' });
    mcp = await connectMcp(server.body.accessUrl);
  });

  afterAll(async () => {
    await mcp?.close();
    await upstream?.close();
    await provider?.close();
    await app?.close();
  });

  /** execute_action over the server's MCP door, recorded with the other answers for the canary check. */
  const runAs = async (credentialId?: string) => {
    const result = await mcp.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'slack', actionId: 'conversations_list', parameters: {}, ...(credentialId ? { credentialId } : {}) },
    });
    responses.push(JSON.stringify(result));
    return actionOutcome(result);
  };

  it('describes OAuth for a connector', async () => {
    const metadata = await tool('get_credential_metadata', { connectorId: 'slack' });
    expect(metadata.structuredContent.authenticationTypes).toContainEqual(
      expect.objectContaining({ type: 'oauth2', oauthAppConfigured: true, allowedRedirectUris: [CLIENT_REDIRECT], scopes: ['channels:read'] }),
    );
  });

  it('completes the handshake through create_credential and /oauth/callback with PKCE', async () => {
    provider.resetStats();
    const { credentialId, authorizationUrl, landed, created } = await connect();
    expect(created).toMatchObject({ status: 'pending', credentialId: expect.stringMatching(/^cred_/) });
    expect(created.validForSeconds).toBeGreaterThan(500);
    const url = new URL(authorizationUrl);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toBe(`${app.apiUrl}/oauth/callback`);

    expect(landed.status).toBe(302);
    const back = new URL(landed.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(CLIENT_REDIRECT);
    expect(Object.fromEntries(back.searchParams)).toEqual({ credentialId, status: 'active' });
    expect(provider.stats.tokenRequestLog).toMatchObject([{ grantType: 'authorization_code', status: 200, clientAuth: 'client_secret_post' }]);

    const listed = await tool('get_credentials', { connectorId: 'slack' });
    const credential = listed.structuredContent.credentials.find((c: any) => c.credentialId === credentialId);
    expect(credential).toMatchObject({ status: 'active', authenticationType: 'oauth2', expiresAt: expect.any(String) });
    const secrets = await secretsOf(credentialId);
    expect(credential.hints).toEqual({ accessToken: `…${secrets.accessToken.slice(-6)}`, refreshToken: `…${secrets.refreshToken!.slice(-6)}` });

    const result = await tool('execute_action', { connectorId: 'slack', actionId: 'conversations_list', credentialId });
    expect(result.isError).toBeFalsy();
    expect(upstream.seen.at(-1)).toBe(secrets.accessToken);
  });

  it('refuses a replayed, unknown or expired state and stores nothing', async () => {
    const { callbackUrl } = await connect();
    const codeGrants = provider.stats.tokenRequests.authorization_code;
    const replay = await fetch(callbackUrl, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already been used');
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'not-a-state');
    const unknown = await fetch(forged, { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('unknown');
    expect(provider.stats.tokenRequests.authorization_code).toBe(codeGrants);

    const pending = await tool('create_credential', { connectorId: 'slack', authenticationType: 'oauth2' });
    const location = await provider.authorize(pending.structuredContent.authorizationUrl);
    await app.database.db.updateTable('oauth_attempts').set({ expires_at: new Date(Date.now() - 1000) }).where('credential_id', '=', pending.structuredContent.credentialId).execute();
    const late = await fetch(location, { redirect: 'manual' });
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('expired');
    expect(provider.stats.tokenRequests.authorization_code).toBe(codeGrants);
  });

  it('refuses a redirect URI that is not configured', async () => {
    const refused = await tool('create_credential', { connectorId: 'slack', authenticationType: 'oauth2', redirectUri: 'https://evil.example/steal' });
    expect(refused.isError).toBe(true);
    expect(toolError(refused)).toMatchObject({ code: 'INVALID_REQUEST', details: { allowedRedirectUris: [CLIENT_REDIRECT] } });
  });

  it('ends the attempt with the provider error when the user denies', async () => {
    const { credentialId, landed } = await connect({ deny: true });
    const back = new URL(landed.headers.get('location')!);
    expect(back.searchParams.get('status')).toBe('failed');
    expect(back.searchParams.get('error')).toBe('access_denied');
    const row = await getCredentialById(app.database.db, credentialId);
    expect(row).toMatchObject({ status: 'failed', status_reason: expect.stringContaining('access_denied') });
  });

  it('refreshes inside the margin, saving the rotated refresh token with the new access token', async () => {
    const { credentialId } = await connect();
    const before = await secretsOf(credentialId);
    provider.resetStats();
    const refreshedCount = async () =>
      Number((await (await fetch(`${app.apiUrl}/metrics`)).text()).match(/^switchboard_token_refreshes_total\{outcome="refreshed"\} (\d+)/m)?.[1] ?? 0);
    const refreshedBefore = await refreshedCount();
    await expireInDatabase(credentialId);
    const outcome = await runAs(credentialId);
    expect(outcome.status).toBe(200);
    const after = await secretsOf(credentialId);
    expect(provider.stats.tokenRequests.refresh_token).toBe(1);
    // Operators see it on /metrics.
    expect(await refreshedCount()).toBe(refreshedBefore + 1);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(upstream.seen.at(-1)).toBe(after.accessToken);
    const row = await getCredentialById(app.database.db, credentialId);
    expect(row!.expires_at!.getTime()).toBeGreaterThan(Date.now() + 3000_000);
  });

  it('refreshes once and retries once when the upstream answers 401', async () => {
    const { credentialId } = await connect();
    const before = await secretsOf(credentialId);
    provider.resetStats();
    upstream.rejectNext(1);
    const outcome = await runAs(credentialId);
    expect(outcome.status).toBe(200);
    expect(provider.stats.tokenRequests.refresh_token).toBe(1);
    expect((await secretsOf(credentialId)).accessToken).not.toBe(before.accessToken);
  });

  it('refreshes proactively from the credential refresher workflow', async () => {
    provider.setAccessTokenTtl(4);
    const { credentialId } = await connect();
    provider.setAccessTokenTtl(3600);
    const before = await secretsOf(credentialId);
    provider.resetStats();
    await expect.poll(() => provider.stats.tokenRequests.refresh_token, { timeout: 15_000, interval: 200 }).toBe(1);
    await expect.poll(async () => (await secretsOf(credentialId)).refreshToken, { timeout: 5000 }).not.toBe(before.refreshToken);
    const description = await app.temporal.client.workflow.getHandle(refresherWorkflowId(credentialId)).describe();
    expect(description.status.name).toBe('RUNNING');
  });

  it('50 concurrent actions on a just-expired token cause exactly one refresh, and all succeed', async () => {
    const { credentialId } = await connect();
    await secretsOf(credentialId);
    provider.resetStats();
    await expireInDatabase(credentialId);
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => runAs(credentialId)));
    expect(outcomes.every((outcome) => outcome.status === 200)).toBe(true);
    expect(provider.stats.tokenRequests.refresh_token).toBe(1);
    const current = await secretsOf(credentialId);
    expect(upstream.seen.slice(-50).every((token) => token === current.accessToken)).toBe(true);
  });

  it('invalid_grant makes the credential needs_reauth; actions fail with a fresh authorization URL', async () => {
    const { credentialId } = await connect({ login: 'revoker' });
    await secretsOf(credentialId);
    await provider.revokeAllFor('revoker');
    await expireInDatabase(credentialId);
    const failed = await tool('execute_action', { connectorId: 'slack', actionId: 'conversations_list', credentialId });
    expect(failed.isError).toBe(true);
    expect(toolError(failed)).toMatchObject({
      code: 'CREDENTIAL_NOT_FOUND',
      details: { credentialId, status: 'needs_reauth', authorizationUrl: expect.stringContaining(provider.endpoints.authorization) },
    });
    const row = await getCredentialById(app.database.db, credentialId);
    expect(row).toMatchObject({ status: 'needs_reauth', status_reason: expect.stringContaining('invalid_grant') });

    // The prompt URL re-authorizes the same credential.
    const location = await provider.authorize(toolError(failed)!.details.authorizationUrl, { accountId: 'revoker' });
    expect((await fetch(location, { redirect: 'manual' })).status).toBe(302);
    expect((await getCredentialById(app.database.db, credentialId))!.status).toBe('active');
    expect((await runAs(credentialId)).status).toBe(200);
    await secretsOf(credentialId);
  });

  it('revokes the tokens at the provider and stops the refresher on delete', async () => {
    const { credentialId } = await connect();
    const secrets = await secretsOf(credentialId);
    provider.resetStats();
    const deleted = await call('DELETE', `/api/credentials/${credentialId}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ credentialId, revokedAtProvider: true });
    expect(provider.stats.revocations[0]).toMatchObject({ token: secrets.refreshToken, tokenTypeHint: 'refresh_token', revoked: 'RefreshToken' });
    await expect(provider.validateAccessToken(secrets.accessToken)).resolves.toBeNull();
    expect(await getCredentialById(app.database.db, credentialId)).toMatchObject({ status: 'revoked', secrets_encrypted: null });
    const handle = app.temporal.client.workflow.getHandle(refresherWorkflowId(credentialId));
    await expect.poll(async () => (await handle.describe()).status.name, { timeout: 5000 }).toBe('COMPLETED');
    const failed = await tool('execute_action', { connectorId: 'slack', actionId: 'conversations_list', credentialId });
    expect(toolError(failed)?.code).toBe('CREDENTIAL_NOT_FOUND');
  });

  it('revokes every credential of a connector at the provider when the account disables it', async () => {
    const { credentialId } = await connect();
    const secrets = await secretsOf(credentialId);
    provider.resetStats();
    const disabled = await call('PUT', '/api/connectors/slack/settings', { enabled: false });
    // Every OAuth credential of the connector in the account goes, this one and earlier tests' alike.
    expect(disabled.body).toMatchObject({ settings: { enabled: false } });
    expect(disabled.body.revokedCredentials).toBeGreaterThanOrEqual(1);
    expect(provider.stats.revocations.map((revocation) => revocation.token)).toContain(secrets.refreshToken);
    expect(await getCredentialById(app.database.db, credentialId)).toMatchObject({ status: 'revoked', secrets_encrypted: null });
    expect((await call('PUT', '/api/connectors/slack/settings', { enabled: true })).body.settings.enabled).toBe(true);
  });

  it('keeps canary secrets out of logs, responses and workflow histories', async () => {
    const bearer = await tool('create_credential', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: BEARER_CANARY } });
    expect(bearer.isError, JSON.stringify(bearer.content)).toBeFalsy();
    await runAs(bearer.structuredContent.credentialId).catch(() => undefined);
    await tool('get_credentials', {});
    await call('GET', '/api/oauth-apps');

    const histories: string[] = [];
    for await (const execution of app.temporal.client.workflow.list({ query: `TaskQueue = '${app.config.temporal.taskQueue}'` })) {
      const history = await app.temporal.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      histories.push(JSON.stringify(history));
    }
    expect(histories.length).toBeGreaterThan(20);
    expect(histories.some((history) => history.includes('oauthHandshake'))).toBe(true);
    expect(histories.some((history) => history.includes('credentialRefresher'))).toBe(true);

    const haystacks = { logs: app.logs.text(), responses: responses.join('\n'), histories: histories.join('\n') };
    expect(tokens.size).toBeGreaterThan(10);
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of [CLIENT_SECRET, BEARER_CANARY, ...tokens]) {
        expect(text.includes(secret), `a secret appeared in ${where}`).toBe(false);
      }
    }
  });

});
