import type { Connector, ConnectorSettings } from '../connectors/types.js';
import type { ActionDefinition, AuthMethod } from '../connectors/schema.js';
import type { Db } from '../db/connect.js';
import { getPluginBySlug, getPluginManifest } from '../db/repositories/plugins.js';
import type { PluginRow } from '../db/tables/plugins.js';
import { ConnectorNotFoundError } from '../errors.js';
import { pluginManifestSchema, type PluginManifest } from './schemas.js';

/** Connector ids agents see for plugins; custom connectors may not use the prefix. */
const PLUGIN_PREFIX = 'plugin-';
const ACTIONS_RESOURCE = 'actions';
const PLUGIN_RATE_LIMIT = { requestsPerSecond: 10 };

export const isPluginConnectorId = (connectorId: string) => connectorId.startsWith(PLUGIN_PREFIX);
/** The slug a plugin-<slug> connector id names. */
export const pluginSlugOf = (connectorId: string) => connectorId.slice(PLUGIN_PREFIX.length);
export const connectorIdOfPlugin = (row: Pick<PluginRow, 'slug'>) => `${PLUGIN_PREFIX}${row.slug}`;

function actionOf(action: PluginManifest['actions'][number]): ActionDefinition {
  return {
    id: action.id,
    resource: ACTIONS_RESOURCE,
    title: action.title,
    description: action.description,
    method: 'POST',
    path: `/actions/${action.id}`,
    parameters: action.parameters.map((parameter) => ({ ...parameter, in: 'body' as const })),
    bodyEncoding: 'json',
    response: {},
    idempotent: action.idempotent,
  };
}

function authMethodsOf(manifest: PluginManifest): AuthMethod[] {
  return [manifest.auth.type === 'apiKey' ? { type: 'apiKey', in: 'header', name: manifest.auth.name } : { type: manifest.auth.type }];
}

/** A plugin version as a Connector: its manifest's actions, and which version and exports they run. */
export function pluginConnector(row: Pick<PluginRow, 'id' | 'name' | 'slug'>, version: number, manifest: PluginManifest, settings: ConnectorSettings): Connector {
  return {
    id: connectorIdOfPlugin(row),
    name: row.name,
    category: manifest.category,
    description: manifest.description || `WASM plugin "${row.name}" (version ${version})`,
    baseUrl: `plugin://${row.slug}`,
    authMethods: authMethodsOf(manifest),
    resources: [{ id: ACTIONS_RESOURCE, name: 'Actions' }],
    actions: manifest.actions.map(actionOf),
    rateLimit: settings.rateLimit ?? PLUGIN_RATE_LIMIT,
    ...(settings.rateLimit ? { ownRateLimit: PLUGIN_RATE_LIMIT } : {}),
    origin: 'plugin',
    settings,
    plugin: {
      pluginId: row.id,
      version,
      exports: Object.fromEntries(manifest.actions.map((action) => [action.id, action.export ?? action.id])),
      allowedHosts: manifest.allowedHosts,
    },
  };
}

/** The plugin's newest version, as agents use it. */
export async function loadPluginConnector(db: Db, accountId: string, connectorId: string, settings: ConnectorSettings): Promise<Connector> {
  const row = await getPluginBySlug(db, accountId, pluginSlugOf(connectorId));
  const version = row ? await getPluginManifest(db, row.id, row.latest_version) : undefined;
  if (!row || !version) throw new ConnectorNotFoundError(connectorId);
  return pluginConnector(row, version.version, pluginManifestSchema.parse(version.manifest), settings);
}
