import { z } from 'zod';
import { putConnectorSettings, type ConnectorSettingsInput } from '../connectors/accountConnectors.js';
import { listConnectors, resolveConnector } from '../connectors/registry.js';
import type { Connector } from '../connectors/types.js';
import { connectorCategorySchema } from '../connectors/schema.js';
import { pageOf, searchConnectors } from '../connectors/search.js';
import { revokeConnectorCredentials } from '../credentials/oauth.js';
import type { AuthContext } from '../policy/caller.js';
import type { ManagementDependencies } from './ports.js';

/**
 * Catalogue and custom connector use cases shared by the REST routes (/api/connectors) and the
 * admin MCP tools: each is what one route answers.
 */

/** GET /api/connectors' query: without limit the list is complete. */
export const listConnectorsQuery = z.object({
  category: connectorCategorySchema.optional(),
  query: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export type ListConnectorsQuery = z.infer<typeof listConnectorsQuery>;

export function connectorResponse(connector: Connector) {
  const { settings, ...definition } = connector;
  return { ...definition, settings };
}

/** GET /api/connectors. */
export async function listAccountConnectors(deps: Pick<ManagementDependencies, 'db'>, auth: AuthContext, query: ListConnectorsQuery) {
  const listed = await listConnectors(deps.db, auth.accountId, query.category ? { category: query.category } : {});
  const matches = query.query === undefined ? listed : searchConnectors(listed, query.query);
  const { items, nextOffset } = pageOf(matches, query.offset ?? 0, query.limit ?? matches.length);
  return { connectors: items.map(({ actionWords: _words, ...listing }) => listing), count: matches.length, ...(nextOffset !== undefined ? { nextOffset } : {}) };
}

/** GET /api/connectors/:id: the definition with the account's settings. */
export async function getAccountConnector(deps: Pick<ManagementDependencies, 'db'>, auth: AuthContext, id: string) {
  return connectorResponse(await resolveConnector(deps.db, auth.accountId, id));
}

/** What a settings change replaces, for the audit entry; nothing when there is no such connector. */
export function connectorSettingsBefore(deps: Pick<ManagementDependencies, 'db'>, auth: AuthContext, id: string) {
  return resolveConnector(deps.db, auth.accountId, id)
    .then((connector) => connector.settings)
    .catch(() => undefined);
}

/** PUT /api/connectors/:id/settings. */
export async function setConnectorSettings(deps: ManagementDependencies, auth: AuthContext, id: string, input: ConnectorSettingsInput) {
  const settings = await putConnectorSettings(deps.db, auth.accountId, id, input);
  // Runs already waiting for a throttle slot move to the new limit's schedule.
  if (input.rateLimit !== undefined) await deps.management.rateLimitChanged(auth.accountId, id);
  // Disabling a connector for the account ends every user's access to it, at the provider too.
  const revokedCredentials = input.enabled === false ? await revokeConnectorCredentials(deps, auth.accountId, id) : 0;
  return { connectorId: id, settings, ...(input.enabled === false ? { revokedCredentials } : {}) };
}
