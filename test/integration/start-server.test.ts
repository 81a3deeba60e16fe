import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStartServer } from '../../src/management/servers.js';
import { rotateEncryptionKeys } from '../../src/secrets/rotation.js';
import { SecretBox } from '../../src/secrets/secretBox.js';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from '../support/app.js';
import { api, connectMcp } from '../support/mcp.js';

/**
 * The server `npm start` prints (src/management/servers.ts): made when the user has none, the
 * same URL at every later start, a fresh token once its own expired, nothing to show once its
 * token was rotated (it was shown then), and readable after an encryption key rotation.
 */
describe('the start-up server', () => {
  let app: TestApp;
  let owner: { accountId: string; userId: string };
  /** The app's key ring; the rotation test moves it to a new key. */
  let secretBox: SecretBox;
  const ensure = () => ensureStartServer({ db: app.database.db, secretBox, publicUrl: app.apiUrl }, owner);
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  beforeAll(async () => {
    app = await startTestApp();
    secretBox = app.secretBox;
    owner = { accountId: (await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id, userId: 'default' };
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is made when the user has no server, and its URL works', async () => {
    const made = await ensure();
    expect(made).toMatchObject({ name: 'Default server', created: true });
    expect(made!.accessUrl).toMatch(new RegExp(`^${app.apiUrl}/mcp/default-server-[0-9a-f]{8}/mcp_`));
    const listed = await call('GET', '/api/servers');
    expect(listed.body.servers.map((server: { serverId: string; restrictions: unknown }) => [server.serverId, server.restrictions])).toEqual([[made!.serverId, {}]]);
    const client = await connectMcp(made!.accessUrl);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
    // The next start prints the same URL.
    expect(await ensure()).toEqual({ ...made, created: false });
  });

  it('gets a new token once its own has expired, and the old URL stops working', async () => {
    const before = (await ensure())!;
    await app.database.db.updateTable('server_tokens').set({ expires_at: new Date(Date.now() - 1000) }).execute();
    const after = (await ensure())!;
    expect(after.serverId).toBe(before.serverId);
    expect(after.accessUrl).not.toBe(before.accessUrl);
    expect((await fetch(before.accessUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' })).status).toBe(401);
    expect(await ensure()).toEqual(after);
  });

  it('is readable after the encryption key is rotated', async () => {
    const before = (await ensure())!;
    const newKey = Buffer.alloc(32, 9).toString('base64');
    // One sealed token: the expired one was revoked, and its sealed copy went with it.
    expect((await rotateEncryptionKeys(app.database.db, new SecretBox(newKey, [TEST_ENCRYPTION_KEY])))['server_tokens.token_sealed']).toBe(1);
    secretBox = new SecretBox(newKey);
    expect(await ensure()).toEqual(before);
  });

  it('has nothing to show once its token was rotated, and is made again once every server is gone', async () => {
    const before = (await ensure())!;
    expect((await call('POST', `/api/servers/${before.serverId}/rotate-token`)).status).toBe(200);
    expect(await ensure()).toBeUndefined();
    expect((await call('DELETE', `/api/servers/${before.serverId}`)).status).toBe(200);
    const again = await ensure();
    expect(again).toMatchObject({ name: 'Default server', created: true });
    expect(again!.serverId).not.toBe(before.serverId);
  });
});
