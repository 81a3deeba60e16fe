import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.js';
import { getCredentialById } from '../../src/db/repositories/oauth.js';
import { generateKeyBase64, SecretBox } from '../../src/secrets/secretBox.js';
import { rotateEncryptionKeys } from '../../src/secrets/rotation.js';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from '../support/app.js';
import { api, connectMcp, executeAction } from '../support/mcp.js';
import { startOAuthServer, type OAuthServerHandle } from '../support/oauthServer.js';
import { startTokenCheckedApi, type TokenCheckedApi } from '../support/tokenCheckedApi.js';

const BEARER = 'static-bearer-token-for-rotation-test';

describe('encryption key rotation', () => {
  let before: TestApp;
  let after: TestApp | undefined;
  let provider: OAuthServerHandle;
  let upstream: TokenCheckedApi;
  const taskQueue = `test-rotation-${Math.random().toString(36).slice(2, 8)}`;
  const newKey = generateKeyBase64();
  const credentialIds: string[] = [];

  beforeAll(async () => {
    before = await startTestApp({ env: { TEMPORAL_TASK_QUEUE: taskQueue } });
    provider = await startOAuthServer({
      clients: [{ client_id: 'sb', client_secret: 'rotation-secret', redirect_uris: [`${before.apiUrl}/oauth/callback`] }],
      scopes: ['channels:read'],
    });
    upstream = await startTokenCheckedApi(async (token) => (token === BEARER ? {} : provider.validateAccessToken(token)));
  });

  afterAll(async () => {
    await after?.close();
    await before?.testDatabase.drop();
    await upstream?.close();
    await provider?.close();
  });

  it('re-seals every secret under the new key, and every credential keeps working', async () => {
    const call = (method: string, path: string, body?: unknown) => api(before.apiUrl, before.apiKey, method, path, body);
    await call('PUT', '/api/oauth-apps/slack', {
      clientId: 'sb',
      clientSecret: 'rotation-secret',
      scopes: ['channels:read'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      authorizationUrl: provider.endpoints.authorization,
      tokenUrl: provider.endpoints.token,
      revocationUrl: provider.endpoints.revocation,
    });
    await call('PUT', '/api/connectors/slack/settings', { baseUrl: upstream.url });
    for (let i = 0; i < 2; i++) {
      const created = await call('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'oauth2' });
      expect(created.status).toBe(201);
      const landed = await fetch(await provider.authorize(created.body.authorizationUrl), { redirect: 'manual' });
      expect(landed.status, await landed.clone().text()).toBe(200);
      credentialIds.push(created.body.credentialId);
    }
    const bearer = await call('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: BEARER } });
    credentialIds.push(bearer.body.credentialId);
    // A remote MCP connector: sealed URL and headers, and the account variable a header names.
    expect((await call('PUT', '/api/variables/remoteKey', { value: 'remote-key-before-rotation' })).status).toBe(200);
    const remote = await call('POST', '/api/mcp-connectors', { name: 'Rotated', url: 'http://127.0.0.1:9/mcp?key=k-123456', headers: { 'x-api-key': '{{remoteKey}}' } });
    expect(remote.status).toBe(201);
    await before.stop();

    const box = new SecretBox(newKey, [TEST_ENCRYPTION_KEY]);
    const database = await openDatabase(before.testDatabase.config);
    try {
      const counts = await rotateEncryptionKeys(database.db, box);
      expect(counts).toMatchObject({
        'credentials.secrets_encrypted': 3,
        'oauth_apps.client_secret_encrypted': 1,
        'accounts.user_token_secret_encrypted': 1,
        'mcp_connectors.headers_encrypted': 1,
        'mcp_connectors.url_encrypted': 1,
        'account_variables.value_encrypted': 1,
      });
      // A second run finds nothing left on the old key.
      expect(Object.values(await rotateEncryptionKeys(database.db, box)).every((count) => count === 0)).toBe(true);
      const rows = await database.db.selectFrom('credentials').select(['secrets_encrypted', 'key_id']).execute();
      expect(rows.every((row) => row.secrets_encrypted!.startsWith(`v1.${box.currentKeyId}.`) && row.key_id === box.currentKeyId)).toBe(true);
    } finally {
      await database.close();
    }

    // Only the new key from here on: anything rotation missed would fail to open.
    after = await startTestApp({
      env: { TEMPORAL_TASK_QUEUE: taskQueue, ENCRYPTION_KEY: newKey, DATABASE_URL: before.testDatabase.env.DATABASE_URL! },
    });
    const server = await api(after.apiUrl, after.apiKey, 'POST', '/api/servers', { name: 'after rotation' });
    expect(server.status).toBe(201);
    const mcp = await connectMcp(server.body.accessUrl);
    for (const credentialId of credentialIds) {
      // Expired on our side: the OAuth ones must also refresh with the re-sealed client secret and refresh token.
      await after.database.db.updateTable('credentials').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', credentialId).where('auth_type', '=', 'oauth2').execute();
      const outcome = await executeAction(mcp, { connectorId: 'slack', actionId: 'conversations_list', parameters: {}, credentialId });
      expect(outcome.status).toBe(200);
      expect((await getCredentialById(after.database.db, credentialId))!.status).toBe('active');
    }
    await mcp.close();
    expect(provider.stats.tokenRequests.refresh_token).toBe(2);
    // Opening the URL, the header and the variable works with the new key alone (port 9 is never fetched).
    const [connector] = (await api(after.apiUrl, after.apiKey, 'GET', '/api/mcp-connectors')).body.connectors;
    const tested = await api(after.apiUrl, after.apiKey, 'POST', '/api/mcp-connectors/test', { connectorId: connector.id });
    expect(tested.body).toEqual({ ok: false, code: 'UPSTREAM_ERROR', error: expect.stringContaining('127.0.0.1:9') });
  });
});
