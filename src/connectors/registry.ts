import { ActionNotFoundError, ConnectorNotFoundError, ForbiddenError, InvalidRequestError } from '../errors.js';
import type { Db } from '../db/connect.js';
import {
  getConnectorSettings,
  getCustomConnector,
  listConnectorSettings,
  listCustomConnectors,
} from '../db/repositories/connectors.js';
import type { ConnectorSettingsRow, CustomConnectorRow } from '../db/tables/connectors.js';
import { isRemoteMcpConnectorId, loadRemoteMcpConnector } from '../remoteMcp/connector.js';
import { isPluginConnectorId, loadPluginConnector, pluginConnector, pluginSlugOf } from '../plugins/connector.js';
import { pluginManifestSchema } from '../plugins/schemas.js';
import { getCatalogConnector, listCatalogConnectors } from './sources/catalog.js';
import type { CustomConnectorDefinition } from './sources/custom.js';
import type { ActionDefinition, ConnectorDefinition, ConnectorSummary, RateLimit } from './schema.js';
import type { Connector, ConnectorListing, ConnectorSettings } from './types.js';
import { rememberSettings } from './knownSettings.js';
import { accountConnectorRows } from './accountRows.js';


const defaultSettings: ConnectorSettings = { baseUrlVariables: {}, enabled: true };

export function settingsFromRow(row: ConnectorSettingsRow | undefined): ConnectorSettings {
  if (!row) return defaultSettings;
  return {
    ...(row.base_url ? { baseUrl: row.base_url } : {}),
    baseUrlVariables: row.base_url_variables,
    enabled: row.enabled,
    ...(row.rate_limit ? { rateLimit: row.rate_limit as RateLimit } : {}),
  };
}

export function applySettings(
  definition: ConnectorDefinition | CustomConnectorDefinition,
  origin: Connector['origin'],
  settings: ConnectorSettings,
): Connector {
  return {
    ...definition,
    origin,
    baseUrl: settings.baseUrl ?? definition.baseUrl,
    rateLimit: settings.rateLimit ?? definition.rateLimit,
    ...(settings.rateLimit ? { ownRateLimit: definition.rateLimit } : {}),
    settings,
  };
}

/** Stored definitions were validated with customConnectorSchema on write. */
const customDefinitionOf = (row: Pick<CustomConnectorRow, 'definition'>) => row.definition as CustomConnectorDefinition;

/**
 * The catalogue is consulted first: custom ids may not shadow catalogue ids, so a catalogue id
 * never needs the database lookup for its definition (only for the account's settings).
 * `connectorsVersion`: the account's, as the request's front door read it; the account's rows then
 * come from this process's copy while it is of that version (accountRows.ts).
 */
export async function resolveConnector(db: Db, accountId: string, connectorId: string, connectorsVersion?: number): Promise<Connector> {
  if (connectorsVersion !== undefined) return resolveFromAccountRows(db, accountId, connectorId, connectorsVersion);
  const [catalog, settingsRow] = await Promise.all([
    getCatalogConnector(connectorId),
    getConnectorSettings(db, accountId, connectorId),
  ]);
  if (catalog) return catalogConnector(db, catalog, accountId, settingsRow);
  const settings = settingsFromRow(settingsRow);
  if (isRemoteMcpConnectorId(connectorId)) return loadRemoteMcpConnector(db, accountId, connectorId, settings);
  if (isPluginConnectorId(connectorId)) return loadPluginConnector(db, accountId, connectorId, settings);
  const custom = await getCustomConnector(db, accountId, connectorId);
  if (!custom) throw new ConnectorNotFoundError(connectorId);
  return applySettings(customDefinitionOf(custom), 'custom', settings);
}

async function resolveFromAccountRows(db: Db, accountId: string, connectorId: string, connectorsVersion: number): Promise<Connector> {
  const [catalog, rows] = await Promise.all([getCatalogConnector(connectorId), accountConnectorRows(db, accountId, connectorsVersion)]);
  const settingsRow = rows.settings.get(connectorId);
  if (catalog) return catalogConnector(db, catalog, accountId, settingsRow);
  const settings = settingsFromRow(settingsRow);
  if (isRemoteMcpConnectorId(connectorId)) return loadRemoteMcpConnector(db, accountId, connectorId, settings);
  if (isPluginConnectorId(connectorId)) {
    const plugin = rows.plugins.find(({ row }) => row.slug === pluginSlugOf(connectorId));
    if (!plugin) throw new ConnectorNotFoundError(connectorId);
    return pluginConnector(plugin.row, plugin.version, pluginManifestSchema.parse(plugin.manifest), settings);
  }
  const custom = rows.custom.find((row) => row.id === connectorId);
  if (!custom) throw new ConnectorNotFoundError(connectorId);
  return applySettings(customDefinitionOf(custom), 'custom', settings);
}

/**
 * A catalogue connector with the account's settings row (undefined: none), which this process
 * keeps by version for its attempts (knownSettings.ts).
 */
export function catalogConnector(db: Db, definition: ConnectorDefinition, accountId: string, row: ConnectorSettingsRow | undefined): Connector {
  const settings = settingsFromRow(row);
  rememberSettings(db, accountId, definition.id, settingsVersionOf(row), settings);
  return applySettings(definition, 'catalog', settings);
}

/** The version a settings row had (0: no row). */
export function settingsVersionOf(row: Pick<ConnectorSettingsRow, 'version'> | undefined): number {
  return row ? Number(row.version) : 0;
}

/**
 * Many catalogue and custom connectors at once (a tools-mode server's tool list): two queries for
 * all of them where resolveConnector makes one or two per connector. Ids that name no catalogue or
 * custom connector (remote MCP ones among them) are left out.
 */
export async function resolveConnectors(db: Db, accountId: string, connectorIds: readonly string[]): Promise<Connector[]> {
  const [customRows, settingsRows] = await Promise.all([listCustomConnectors(db, accountId), listConnectorSettings(db, accountId)]);
  const settingsRow = new Map(settingsRows.map((row) => [row.connector_id, row]));
  const custom = new Map(customRows.map((row) => [row.id, row]));
  const resolved = await Promise.all(
    connectorIds.map(async (connectorId) => {
      const catalog = await getCatalogConnector(connectorId);
      if (catalog) return catalogConnector(db, catalog, accountId, settingsRow.get(connectorId));
      const row = custom.get(connectorId);
      return row ? applySettings(customDefinitionOf(row), 'custom', settingsFromRow(settingsRow.get(connectorId))) : undefined;
    }),
  );
  return resolved.filter((connector): connector is Connector => connector !== undefined);
}

/**
 * The account's switch, checked wherever a connector is about to be used (a front door preparing a
 * run, an attempt executing one): FORBIDDEN, since the connector exists but its use is refused.
 */
export function assertConnectorEnabled(connector: Pick<Connector, 'id' | 'settings'>): void {
  if (!connector.settings.enabled) {
    throw new ForbiddenError(`Connector "${connector.id}" is disabled for this account`, { connectorId: connector.id });
  }
}

/** resolveConnector for a use: refused when the account has disabled the connector. */
export async function resolveEnabledConnector(db: Db, accountId: string, connectorId: string): Promise<Connector> {
  const connector = await resolveConnector(db, accountId, connectorId);
  assertConnectorEnabled(connector);
  return connector;
}

export function summarize(definition: Omit<ConnectorDefinition, 'source'>): ConnectorSummary {
  return {
    id: definition.id,
    name: definition.name,
    category: definition.category,
    description: definition.description,
    authTypes: [...new Set(definition.authMethods.map((method) => method.type))],
    actionCount: definition.actions.length,
    resourceCount: definition.resources.length,
  };
}

/** `connectorsVersion`: as for resolveConnector. */
export async function listConnectors(
  db: Db,
  accountId: string,
  filter: { category?: string } = {},
  connectorsVersion?: number,
): Promise<ConnectorListing[]> {
  const { custom: customRows, settings, plugins } = await accountConnectorRows(db, accountId, connectorsVersion);
  const catalog = listCatalogConnectors(filter).map((summary) => ({ ...summary, origin: 'catalog' as const }));
  const custom = customRows
    .map((row) => {
      const definition = customDefinitionOf(row);
      return { ...summarize(definition), origin: 'custom' as const, actionWords: definition.actions.map((action) => `${action.id} ${action.title}`).join(' ') };
    })
    .filter((summary) => filter.category === undefined || summary.category === filter.category);
  const pluginListings = plugins
    .map(({ row, version, manifest }) => {
      const connector = pluginConnector(row, version, pluginManifestSchema.parse(manifest), defaultSettings);
      return { ...summarize(connector), origin: 'plugin' as const, actionWords: connector.actions.map((action) => `${action.id} ${action.title}`).join(' ') };
    })
    .filter((summary) => filter.category === undefined || summary.category === filter.category);
  return [...catalog, ...custom, ...pluginListings]
    .map((summary) => ({ ...summary, enabled: settings.get(summary.id)?.enabled ?? true }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function findAction(connector: Pick<Connector, 'id' | 'actions'>, actionId: string): ActionDefinition {
  const action = connector.actions.find((candidate) => candidate.id === actionId);
  if (!action) throw new ActionNotFoundError(connector.id, actionId);
  return action;
}

/** The base URL with `{variable}`s filled from the account's settings or the definition's defaults. */
export function resolveBaseUrl(connector: Connector): string {
  return connector.baseUrl.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value =
      connector.settings.baseUrlVariables[name] ??
      connector.baseUrlVariables?.find((variable) => variable.name === name)?.default;
    if (value === undefined || value === '') {
      throw new InvalidRequestError(
        `Connector "${connector.id}" needs a value for {${name}} in its base URL; set it with PUT /api/connectors/${connector.id}/settings`,
        { connectorId: connector.id, variable: name },
      );
    }
    // Variables fill a host label or path segment; anything that could change the origin is refused.
    if (!/^[A-Za-z0-9._-]+$/.test(value)) {
      throw new InvalidRequestError(`The value for {${name}} may only contain letters, digits, ".", "_" and "-"`, {
        connectorId: connector.id,
        variable: name,
      });
    }
    return value;
  }).replace(/\/+$/, '');
}
