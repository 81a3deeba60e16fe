import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../../src/db/connect.js';
import { migrateToLatest } from '../../../src/db/migrate.js';
import { createAccount } from '../../../src/db/repositories/accounts.js';
import { getConnectorSettings, SETTINGS_CACHE_MS, upsertConnectorSettings } from '../../../src/db/repositories/connectors.js';
import { SecretBox } from '../../../src/secrets/secretBox.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

/** Connector settings are read on every call and kept briefly; a write through the repository is seen at once. */
describe('connector settings cache', () => {
  let testDb: TestDatabase;
  let handle: DatabaseHandle;
  let accountId: string;
  const settings = (baseUrl: string) => ({ accountId, connectorId: 'slack', baseUrl, baseUrlVariables: {}, enabled: true, rateLimit: null });

  beforeAll(async () => {
    testDb = await createTestDatabase('pglite');
    handle = await openDatabase(testDb.config);
    await migrateToLatest(handle);
    accountId = (await createAccount(handle.db, new SecretBox(Buffer.alloc(32, 1).toString('base64')), { name: 'Acme' })).id;
  }, 120_000);
  afterAll(async () => {
    await handle?.close();
    await testDb?.drop();
  });

  it('answers repeated reads without the database, sees its own writes at once, and expires', async () => {
    await upsertConnectorSettings(handle.db, settings('https://one.example'));
    expect((await getConnectorSettings(handle.db, accountId, 'slack'))?.base_url).toBe('https://one.example');

    // A write from another process (straight to the table here) is not seen until the entry expires.
    await sql`update connector_settings set base_url = 'https://elsewhere.example'`.execute(handle.db);
    expect((await getConnectorSettings(handle.db, accountId, 'slack'))?.base_url).toBe('https://one.example');

    await upsertConnectorSettings(handle.db, settings('https://two.example'));
    expect((await getConnectorSettings(handle.db, accountId, 'slack'))?.base_url).toBe('https://two.example');

    await sql`update connector_settings set base_url = 'https://elsewhere.example'`.execute(handle.db);
    await new Promise((resolve) => setTimeout(resolve, SETTINGS_CACHE_MS + 100));
    expect((await getConnectorSettings(handle.db, accountId, 'slack'))?.base_url).toBe('https://elsewhere.example');
  });

  it('keeps "no settings" too, until a write', async () => {
    expect(await getConnectorSettings(handle.db, accountId, 'github')).toBeUndefined();
    await upsertConnectorSettings(handle.db, { ...settings('https://gh.example'), connectorId: 'github' });
    expect((await getConnectorSettings(handle.db, accountId, 'github'))?.base_url).toBe('https://gh.example');
  });
});
