import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/connect.js';
import { migrateDown, migrateToLatest } from '../../src/db/migrate.js';
import {
  createAccount,
  createApiKey,
  ensureBootstrapAccount,
  findActiveApiKey,
  revokeApiKey,
  userTokenSecretOf,
} from '../../src/db/repositories/accounts.js';
import { takeToken } from '../../src/db/repositories/rateBuckets.js';
import { pauseKey, reserveSlot, restartSchedules, slotState } from '../../src/db/repositories/throttles.js';
import { SecretBox } from '../../src/secrets/secretBox.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../support/database.js';

const secretBox = new SecretBox(Buffer.alloc(32, 1).toString('base64'));

describe.each<DatabaseKind>(['pglite', 'postgres'])('data layer on %s', (kind) => {
  let testDb: TestDatabase;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    handle = await openDatabase(testDb.config);
    await migrateToLatest(handle);
  });
  afterAll(async () => {
    await handle?.close();
    await testDb?.drop();
  });

  it('migrates down and up again to the same schema', async () => {
    // Introspection sees every schema of the database; other test files use their own.
    const ownTables = async () =>
      (await handle.db.introspection.getTables()).filter((table) => table.schema === handle.schema);
    const before = await ownTables();
    expect(before.map((table) => table.name)).toContain('servers');
    while (await migrateDown(handle));
    expect((await ownTables()).map((table) => table.name)).toEqual([]);
    await migrateToLatest(handle);
    const after = await ownTables();
    expect(after.map((table) => [table.name, table.columns.map((column) => column.name)])).toEqual(
      before.map((table) => [table.name, table.columns.map((column) => column.name)]),
    );
  });

  it('commits asynchronously on the rate-limit tokens\' connections only; every other statement waits for its commit to be durable', async () => {
    const setting = async (db: DatabaseHandle['db']) => (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(db)).rows[0]!.synchronous_commit;
    expect(await setting(handle.db)).toBe('on');
    // PGlite: one connection, synchronous, for both.
    expect(await setting(handle.asyncCommitDb)).toBe(kind === 'postgres' ? 'off' : 'on');
    expect(handle.asyncCommitDb === handle.db).toBe(kind === 'pglite');
    // Same tables: a token taken there is seen here.
    await takeToken(handle.asyncCommitDb, 'test:async-commit', 60, 1);
    expect((await handle.db.selectFrom('rate_buckets').select('tokens').where('key', '=', 'test:async-commit').executeTakeFirstOrThrow()).tokens).toBeCloseTo(59, 0);
  });

  it('stores API keys hashed and finds, then stops finding, a revoked one', async () => {
    const account = await createAccount(handle.db, secretBox, { name: 'Acme' });
    const { apiKey, key } = await createApiKey(handle.db, { accountId: account.id, userId: 'u1', name: 'ci' });
    expect(key).toMatch(/^sk_/);
    expect((await findActiveApiKey(handle.db, key))?.account.id).toBe(account.id);
    expect(await revokeApiKey(handle.db, account.id, apiKey.id)).toBe(true);
    expect(await findActiveApiKey(handle.db, key)).toBeUndefined();
    expect(userTokenSecretOf(account, secretBox)).toHaveLength(43);
  });

  it('reserves throttle slots atomically: the burst at once, then one interval apart, behind any pause', async () => {
    const key = `k-${Math.random()}`;
    // 10/s with a burst of 3 (a tolerance of 200 ms): three slots now, then 100 ms apart, whatever
    // the order they were asked in. How late a loaded machine asks can only push slots later, so
    // each bound below holds however slow the run is.
    const askedAt = Date.now();
    const slots = (await Promise.all(Array.from({ length: 6 }, () => reserveSlot(handle.db, key, 100, 200)))).map((r) => r.slotMs);
    const answeredAt = Date.now();
    slots.sort((a, b) => a - b);
    // The burst's slots are not in the future (the database's clock is this machine's; 5 ms for rounding).
    expect(slots.slice(0, 3).every((slot) => slot >= askedAt - 5 && slot <= answeredAt + 5)).toBe(true);
    // GCRA: any two slots j > i are at least (j − i) intervals apart, less the burst's tolerance.
    for (let i = 0; i < slots.length; i += 1) {
      for (let j = i + 1; j < slots.length; j += 1) expect(slots[j]! - slots[i]!).toBeGreaterThanOrEqual((j - i) * 100 - 200 - 1);
    }

    const pausedAt = Date.now();
    await pauseKey(handle.db, key, 60_000, 200);
    const { pauseRemainingMs } = await slotState(handle.db, key);
    expect(pauseRemainingMs).toBeGreaterThan(0);
    expect(pauseRemainingMs).toBeLessThanOrEqual(60_000);
    // Nothing is scheduled before the pause ends.
    const afterPause = await reserveSlot(handle.db, key, 100, 200);
    expect(afterPause.slotMs).toBeGreaterThanOrEqual(pausedAt + 60_000 - 5);
  });

  it('restarts the schedules of one connector on a rate change: a new generation, slots from now', async () => {
    const prefix = `acct-${Math.random()}/slack/`;
    const far = await Promise.all(Array.from({ length: 20 }, () => reserveSlot(handle.db, `${prefix}cred1`, 1000, 0)));
    const other = await reserveSlot(handle.db, `${prefix}x/other`, 1000, 0);
    const farSlots = far.map((slot) => slot.slotMs);
    expect(Math.max(...farSlots) - Math.min(...farSlots)).toBeGreaterThanOrEqual(19_000 - 1);
    expect(await restartSchedules(handle.db, prefix)).toBe(2);
    const next = await reserveSlot(handle.db, `${prefix}cred1`, 10, 0);
    // From now: not after this moment (a slow machine only makes "now" later).
    expect(next.slotMs).toBeLessThanOrEqual(Date.now() + 5);
    expect(next.slotMs).toBeLessThan(Math.max(...farSlots));
    expect(next.generation).toBe(far[0]!.generation + 1);
    expect((await slotState(handle.db, `${prefix}cred1`)).generation).toBe(next.generation);
    expect(other.generation).toBe(0);
    // Another connector whose id starts the same is not touched.
    expect(await restartSchedules(handle.db, `${prefix.slice(0, -1)}-x/`)).toBe(0);
  });

  it('bootstraps one account even when replicas start together', async () => {
    const fresh = await createTestDatabase(kind);
    const other = await openDatabase(fresh.config);
    try {
      await migrateToLatest(other);
      const results = await Promise.all([1, 2, 3].map(() => ensureBootstrapAccount(other.db, secretBox, undefined)));
      expect(new Set(results.map((result) => result.accountId)).size).toBe(1);
      expect(results.filter((result) => result.generatedKey)).toHaveLength(1);
    } finally {
      await other.close();
      await fresh.drop();
    }
  });
});
