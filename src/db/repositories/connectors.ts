import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { ConnectorSettingsRow, CustomConnectorRow } from '../tables/connectors.js';

export async function countCustomConnectors(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('custom_connectors')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Inserts unless the account already has `limit` connectors or one with this id. The advisory
 * lock serialises creates per account, so two concurrent creates can't both squeeze under the limit.
 */
export async function insertCustomConnector(
  db: Db,
  input: { accountId: string; id: string; definition: unknown; limit: number },
): Promise<{ row: CustomConnectorRow } | { rejected: 'limit' | 'exists' }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`custom_connectors:${input.accountId}`}))`.execute(trx);
    const existing = await trx
      .selectFrom('custom_connectors')
      .select('id')
      .where('account_id', '=', input.accountId)
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (existing) return { rejected: 'exists' as const };
    if ((await countCustomConnectors(trx, input.accountId)) >= input.limit) return { rejected: 'limit' as const };
    const row = await trx
      .insertInto('custom_connectors')
      .values({ account_id: input.accountId, id: input.id, definition: JSON.stringify(input.definition) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { row };
  });
}

export async function getCustomConnector(db: Db, accountId: string, id: string): Promise<CustomConnectorRow | undefined> {
  return db
    .selectFrom('custom_connectors')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listCustomConnectors(db: Db, accountId: string): Promise<CustomConnectorRow[]> {
  return db.selectFrom('custom_connectors').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

export async function updateCustomConnector(
  db: Db,
  input: { accountId: string; id: string; definition: unknown },
): Promise<CustomConnectorRow | undefined> {
  return db
    .updateTable('custom_connectors')
    .set({ definition: JSON.stringify(input.definition), updated_at: new Date() })
    .where('account_id', '=', input.accountId)
    .where('id', '=', input.id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteCustomConnector(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('custom_connectors')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) return false;
  await db.deleteFrom('connector_settings').where('account_id', '=', accountId).where('connector_id', '=', id).execute();
  settingsCache.delete(settingsKey(accountId, id));
  return true;
}

/**
 * Settings rows are read on every call (by the API and again by the activity) and written rarely,
 * so reads are kept for SETTINGS_CACHE_MS, per database handle; writes through this module drop
 * the entry at once. Another process (a separate worker or API replica) sees a write within
 * SETTINGS_CACHE_MS.
 */
export const SETTINGS_CACHE_MS = 2_000;
const settingsCache = new Map<string, { db: Db; row: ConnectorSettingsRow | undefined; expiresAt: number }>();
const settingsKey = (accountId: string, connectorId: string) => `${accountId}\u0000${connectorId}`;

export async function getConnectorSettings(
  db: Db,
  accountId: string,
  connectorId: string,
): Promise<ConnectorSettingsRow | undefined> {
  const key = settingsKey(accountId, connectorId);
  const cached = settingsCache.get(key);
  if (cached && cached.db === db && cached.expiresAt > Date.now()) return cached.row;
  const row = await db
    .selectFrom('connector_settings')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('connector_id', '=', connectorId)
    .executeTakeFirst();
  settingsCache.set(key, { db, row, expiresAt: Date.now() + SETTINGS_CACHE_MS });
  // Bounded: expired entries go whenever the map grows past a size worth sweeping.
  if (settingsCache.size > 10_000) {
    const now = Date.now();
    for (const [entryKey, entry] of settingsCache) if (entry.expiresAt <= now) settingsCache.delete(entryKey);
  }
  return row;
}

export async function listConnectorSettings(db: Db, accountId: string): Promise<ConnectorSettingsRow[]> {
  return db.selectFrom('connector_settings').selectAll().where('account_id', '=', accountId).execute();
}

export async function upsertConnectorSettings(
  db: Db,
  input: {
    accountId: string;
    connectorId: string;
    baseUrl: string | null;
    baseUrlVariables: Record<string, string>;
    enabled: boolean;
    rateLimit: unknown;
  },
): Promise<ConnectorSettingsRow> {
  const values = {
    base_url: input.baseUrl,
    base_url_variables: JSON.stringify(input.baseUrlVariables),
    enabled: input.enabled,
    rate_limit: input.rateLimit === null || input.rateLimit === undefined ? null : JSON.stringify(input.rateLimit),
    updated_at: new Date(),
  };
  settingsCache.delete(settingsKey(input.accountId, input.connectorId));
  const row = await db
    .insertInto('connector_settings')
    .values({ account_id: input.accountId, connector_id: input.connectorId, ...values })
    .onConflict((oc) => oc.columns(['account_id', 'connector_id']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  // Again after the write: a read that raced it may have cached the old row meanwhile.
  settingsCache.delete(settingsKey(input.accountId, input.connectorId));
  return row;
}
