import type { Db } from '../connect.js';
import type { PluginRow, PluginVersionRow } from '../tables/plugins.js';

/**
 * Adds a version of the account's plugin named `slug`, creating the plugin at version 1 the first
 * time: one statement each way, so two uploads at once get two versions, never the same one.
 */
export async function addPluginVersion(
  db: Db,
  input: { id: string; accountId: string; name: string; slug: string; manifest: Record<string, unknown>; module: Buffer; sha256: string },
): Promise<{ plugin: PluginRow; version: PluginVersionRow }> {
  return db.transaction().execute(async (trx) => {
    const plugin = await trx
      .insertInto('plugins')
      .values({ id: input.id, account_id: input.accountId, name: input.name, slug: input.slug, latest_version: 1 })
      .onConflict((conflict) =>
        conflict.columns(['account_id', 'slug']).doUpdateSet((eb) => ({ latest_version: eb('plugins.latest_version', '+', 1), name: input.name, updated_at: new Date() })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    const version = await trx
      .insertInto('plugin_versions')
      .values({ plugin_id: plugin.id, version: plugin.latest_version, manifest: JSON.stringify(input.manifest), module: input.module, sha256: input.sha256 })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { plugin, version };
  });
}

export async function listPlugins(db: Db, accountId: string): Promise<PluginRow[]> {
  return db.selectFrom('plugins').selectAll().where('account_id', '=', accountId).orderBy('slug').execute();
}

/** A plugin by its row id (plg_…) or the connector id agents see (plugin-<slug>). */
export async function getPluginByIdOrSlug(db: Db, accountId: string, idOrSlug: string): Promise<PluginRow | undefined> {
  return db
    .selectFrom('plugins')
    .selectAll()
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
    .executeTakeFirst();
}

/** Every version's manifest and hash, newest first, without the modules. */
export async function listPluginVersions(db: Db, pluginId: string) {
  return db
    .selectFrom('plugin_versions')
    .select(['version', 'manifest', 'sha256', 'created_at'])
    .where('plugin_id', '=', pluginId)
    .orderBy('version', 'desc')
    .execute();
}

export async function getPluginBySlug(db: Db, accountId: string, slug: string): Promise<PluginRow | undefined> {
  return db.selectFrom('plugins').selectAll().where('account_id', '=', accountId).where('slug', '=', slug).executeTakeFirst();
}

/** A version's manifest and hash, without its module. */
export async function getPluginManifest(db: Db, pluginId: string, version: number) {
  return db
    .selectFrom('plugin_versions')
    .select(['plugin_id', 'version', 'manifest', 'sha256', 'created_at'])
    .where('plugin_id', '=', pluginId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function getPluginModule(db: Db, pluginId: string, version: number): Promise<Buffer | undefined> {
  const row = await db.selectFrom('plugin_versions').select('module').where('plugin_id', '=', pluginId).where('version', '=', version).executeTakeFirst();
  return row?.module;
}
