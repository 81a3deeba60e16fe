import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { ConnectorSettingsRow, CustomConnectorRow } from '../tables/connectors.js';
import type { PluginRow } from '../tables/plugins.js';

async function countCustomConnectors(db: Db, accountId: string): Promise<number> {
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
  return true;
}

export async function getConnectorSettings(
  db: Db,
  accountId: string,
  connectorId: string,
): Promise<ConnectorSettingsRow | undefined> {
  return db
    .selectFrom('connector_settings')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('connector_id', '=', connectorId)
    .executeTakeFirst();
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
  return db
    .insertInto('connector_settings')
    .values({ account_id: input.accountId, connector_id: input.connectorId, ...values })
    .onConflict((oc) => oc.columns(['account_id', 'connector_id']).doUpdateSet({ ...values, version: sql`nextval('connector_settings_version')` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * An account's connector rows beside the catalogue (what list_connectors lists and resolveConnector
 * resolves), with the account's connectors version read by the same statement, so they go together.
 */
export interface AccountConnectorRows {
  /** account_connectors_version's value (0: the account never had a row written). */
  version: number;
  custom: Array<Pick<CustomConnectorRow, 'id' | 'definition'>>;
  /** The account's settings rows by connector id. */
  settings: Map<string, ConnectorSettingsRow>;
  /** Plugins with their latest version's manifest (unvalidated), by slug. */
  plugins: Array<{ row: Pick<PluginRow, 'id' | 'name' | 'slug'>; version: number; manifest: unknown }>;
}

/** One round trip where there were three (and one per plugin). */
export async function readAccountConnectorRows(db: Db, accountId: string): Promise<AccountConnectorRows> {
  const { rows } = await sql<{
    version: string | null;
    custom: AccountConnectorRows['custom'];
    settings: Array<Omit<ConnectorSettingsRow, 'updated_at'> & { updated_at: string }>;
    plugins: AccountConnectorRows['plugins'];
  }>`
    select
      (select v.version from account_connectors_version v where v.account_id = ${accountId}) as version,
      (select coalesce(json_agg(json_build_object('id', c.id, 'definition', c.definition) order by c.id), '[]')
        from custom_connectors c where c.account_id = ${accountId}) as custom,
      (select coalesce(json_agg(s), '[]') from connector_settings s where s.account_id = ${accountId}) as settings,
      (select coalesce(json_agg(json_build_object('row', json_build_object('id', p.id, 'name', p.name, 'slug', p.slug), 'version', v.version, 'manifest', v.manifest) order by p.slug), '[]')
        from plugins p join plugin_versions v on v.plugin_id = p.id and v.version = p.latest_version where p.account_id = ${accountId}) as plugins`.execute(db);
  const row = rows[0]!;
  return {
    version: Number(row.version ?? 0),
    custom: row.custom,
    settings: new Map(row.settings.map((settings) => [settings.connector_id, { ...settings, updated_at: new Date(settings.updated_at) }])),
    plugins: row.plugins,
  };
}
