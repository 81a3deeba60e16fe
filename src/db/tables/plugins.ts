import type { ColumnType, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** A WASM plugin an account uploaded; agents see it as the connector `plugin-<slug>`. */
export interface PluginsTable {
  id: string;
  account_id: string;
  name: string;
  slug: string;
  /** The version calls use: the newest upload. */
  latest_version: number;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** One upload, never changed: the module and the manifest validated with pluginManifestSchema. */
export interface PluginVersionsTable {
  plugin_id: string;
  version: number;
  /** Validated with pluginManifestSchema (src/plugins/schemas.ts) on upload. */
  manifest: ColumnType<Record<string, unknown>, string, never>;
  module: ColumnType<Buffer, Buffer, never>;
  sha256: string;
  created_at: CreatedAt;
}

export type PluginRow = Selectable<PluginsTable>;
export type PluginVersionRow = Selectable<PluginVersionsTable>;
