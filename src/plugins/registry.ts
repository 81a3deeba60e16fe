import { createHash } from 'node:crypto';
import type { Db } from '../db/connect.js';
import { addPluginVersion, getPluginByIdOrSlug, getPluginManifest, getPluginModule, listPluginVersions, listPlugins } from '../db/repositories/plugins.js';
import type { PluginRow } from '../db/tables/plugins.js';
import { InvalidRequestError, NotFoundError, SwitchboardError } from '../errors.js';
import { newId } from '../secrets/tokens.js';
import { slugOfName } from '../remoteMcp/connector.js';
import { connectorIdOfPlugin, isPluginConnectorId, pluginSlugOf } from './connector.js';
import { pluginManifestSchema, type PluginDetailResponse, type PluginManifest, type PluginResponse, type UploadPluginInput } from './schemas.js';

/** Uploads and listings of WASM plugins (docs/hosted.md#wasm-plugins). */

const WASM_MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d]);

/** The part of the global WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  Module: { exports(module: object): Array<{ name: string; kind: string }> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * The module must compile, and export every function the manifest's actions name: a typo shows at
 * upload, not at the first call.
 */
async function checkModule(module: Buffer, manifest: PluginManifest, maxBytes: number): Promise<void> {
  if (module.length > maxBytes) {
    throw new SwitchboardError('PAYLOAD_TOO_LARGE', `The module is ${module.length} bytes, over ${maxBytes} (PLUGIN_MAX_MODULE_BYTES)`, { field: 'module', limitBytes: maxBytes });
  }
  if (!module.subarray(0, 4).equals(WASM_MAGIC)) throw new InvalidRequestError('The module is not WebAssembly', { field: 'module' });
  let compiled: object;
  try {
    compiled = await wasmApi.compile(module);
  } catch (error) {
    throw new InvalidRequestError(`The module does not compile: ${(error as Error).message}`, { field: 'module' });
  }
  const exported = new Set(wasmApi.Module.exports(compiled).filter((entry) => entry.kind === 'function').map((entry) => entry.name));
  const missing = manifest.actions.map((action) => action.export ?? action.id).filter((name) => !exported.has(name));
  if (missing.length > 0) throw new InvalidRequestError(`The module does not export ${missing.join(', ')}`, { field: 'manifest.actions', missing });
}

function pluginView(row: PluginRow, version: { sha256: string; manifest: PluginManifest }): PluginResponse {
  return {
    id: row.id,
    connectorId: connectorIdOfPlugin(row),
    name: row.name,
    version: row.latest_version,
    sha256: version.sha256,
    actions: version.manifest.actions.map((action) => action.id),
    allowedHosts: version.manifest.allowedHosts,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The first upload of a name creates the plugin at version 1; each later one adds the next version, which calls then use. */
export async function uploadPlugin(deps: { db: Db; config: { plugins: { maxModuleBytes: number } } }, accountId: string, input: UploadPluginInput): Promise<PluginResponse> {
  const module = Buffer.from(input.module, 'base64');
  await checkModule(module, input.manifest, deps.config.plugins.maxModuleBytes);
  const sha256 = createHash('sha256').update(module).digest('hex');
  const { plugin } = await addPluginVersion(deps.db, { id: newId('plg'), accountId, name: input.name, slug: slugOfName(input.name), manifest: input.manifest, module, sha256 });
  return pluginView(plugin, { sha256, manifest: input.manifest });
}

/** Every plugin of the account with its newest version's manifest. */
async function listPluginsWithManifests(db: Db, accountId: string) {
  const rows = await listPlugins(db, accountId);
  const versions = await Promise.all(rows.map((row) => getPluginManifest(db, row.id, row.latest_version)));
  return rows.flatMap((row, index) => {
    const version = versions[index];
    return version ? [{ row, version: version.version, sha256: version.sha256, manifest: pluginManifestSchema.parse(version.manifest) }] : [];
  });
}

export async function listPluginViews(db: Db, accountId: string): Promise<{ plugins: PluginResponse[]; count: number }> {
  const plugins = (await listPluginsWithManifests(db, accountId)).map(({ row, sha256, manifest }) => pluginView(row, { sha256, manifest }));
  return { plugins, count: plugins.length };
}

/** The plugin a route or tool names by row id (plg_…) or plugin-<slug>; NOT_FOUND otherwise. */
async function findPlugin(db: Db, accountId: string, id: string): Promise<PluginRow> {
  const row = await getPluginByIdOrSlug(db, accountId, isPluginConnectorId(id) ? pluginSlugOf(id) : id);
  if (!row) throw new NotFoundError(`Plugin "${id}" does not exist`, { id });
  return row;
}

/** One plugin at its newest version, with every version it had. */
export async function getPluginView(db: Db, accountId: string, id: string): Promise<PluginDetailResponse> {
  const row = await findPlugin(db, accountId, id);
  const versions = (await listPluginVersions(db, row.id)).map((version) => ({ ...version, manifest: pluginManifestSchema.parse(version.manifest) }));
  const newest = versions.find((version) => version.version === row.latest_version) ?? versions[0]!;
  return {
    ...pluginView(row, newest),
    description: newest.manifest.description,
    auth: newest.manifest.auth.type,
    manifest: newest.manifest,
    versions: versions.map((version) => ({
      version: version.version,
      sha256: version.sha256,
      actions: version.manifest.actions.map((action) => action.id),
      allowedHosts: version.manifest.allowedHosts,
      createdAt: version.created_at.toISOString(),
    })),
  };
}

/** A version's module and manifest, as a test loads them (the newest when no version is named). */
export async function pluginVersionToLoad(db: Db, accountId: string, id: string, version?: number) {
  const row = await findPlugin(db, accountId, id);
  const wanted = version ?? row.latest_version;
  const [module, manifest] = await Promise.all([getPluginModule(db, row.id, wanted), getPluginManifest(db, row.id, wanted)]);
  if (!module || !manifest) throw new NotFoundError(`Plugin "${row.name}" has no version ${wanted}`, { id, version: wanted });
  return { row, version: wanted, module, sha256: manifest.sha256, manifest: pluginManifestSchema.parse(manifest.manifest) };
}
