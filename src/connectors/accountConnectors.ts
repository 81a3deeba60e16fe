import { z } from 'zod';
import type { Db } from '../db/connect.js';
import {
  deleteCustomConnector as deleteRow,
  insertCustomConnector,
  updateCustomConnector as updateRow,
  upsertConnectorSettings,
} from '../db/repositories/connectors.js';
import { ConflictError, ForbiddenError, InvalidRequestError, NotFoundError } from '../errors.js';
import { isRemoteMcpConnectorId, REMOTE_MCP_PREFIX } from '../remoteMcp/connector.js';
import { hasCatalogConnector } from './sources/catalog.js';
import { CUSTOM_CONNECTOR_LIMITS, customConnectorSchema, type CustomConnectorDefinition } from './sources/custom.js';
import { resolveConnector, settingsFromRow } from './registry.js';
import type { Connector, ConnectorSettings } from './types.js';
import { baseUrlVariableSchema, rateLimitSchema } from './schema.js';

/** Body of PUT /api/connectors/:id/settings. */
export const connectorSettingsInputSchema = z.object({
  baseUrl: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL').max(2048).nullable().optional(),
  baseUrlVariables: z.record(baseUrlVariableSchema.shape.name, z.string().regex(/^[A-Za-z0-9._-]{1,200}$/)).optional(),
  enabled: z.boolean().optional(),
  rateLimit: rateLimitSchema.nullable().optional(),
});
export type ConnectorSettingsInput = z.infer<typeof connectorSettingsInputSchema>;

export async function createCustomConnector(db: Db, accountId: string, definition: CustomConnectorDefinition): Promise<Connector> {
  if (hasCatalogConnector(definition.id)) {
    throw new ConflictError(`"${definition.id}" is a catalogue connector; choose another id`, { connectorId: definition.id });
  }
  if (isRemoteMcpConnectorId(definition.id)) {
    throw new InvalidRequestError(`Ids starting with "${REMOTE_MCP_PREFIX}" are reserved for remote MCP connectors`, {
      connectorId: definition.id,
    });
  }
  const result = await insertCustomConnector(db, {
    accountId,
    id: definition.id,
    definition,
    limit: CUSTOM_CONNECTOR_LIMITS.connectorsPerAccount,
  });
  if ('rejected' in result) {
    if (result.rejected === 'exists') {
      throw new ConflictError(`A connector "${definition.id}" already exists`, { connectorId: definition.id });
    }
    throw new InvalidRequestError(
      `An account may have at most ${CUSTOM_CONNECTOR_LIMITS.connectorsPerAccount} custom connectors`,
      { limit: 'connectorsPerAccount', max: CUSTOM_CONNECTOR_LIMITS.connectorsPerAccount },
    );
  }
  return resolveConnector(db, accountId, definition.id);
}

export async function updateCustomConnector(
  db: Db,
  accountId: string,
  connectorId: string,
  body: unknown,
): Promise<Connector> {
  if (hasCatalogConnector(connectorId)) {
    throw new ForbiddenError('Catalogue connectors cannot be changed; use their settings instead', { connectorId });
  }
  const parsed = customConnectorSchema.parse({ ...(body as object), id: connectorId });
  if (!(await updateRow(db, { accountId, id: connectorId, definition: parsed }))) {
    throw new NotFoundError(`Connector "${connectorId}" does not exist`, { connectorId });
  }
  return resolveConnector(db, accountId, connectorId);
}

export async function deleteCustomConnector(db: Db, accountId: string, connectorId: string): Promise<void> {
  if (hasCatalogConnector(connectorId)) {
    throw new ForbiddenError('Catalogue connectors cannot be deleted; disable them in their settings', { connectorId });
  }
  if (!(await deleteRow(db, accountId, connectorId))) {
    throw new NotFoundError(`Connector "${connectorId}" does not exist`, { connectorId });
  }
}

/** Merges the given settings over the current ones; the connector must exist for this account. */
export async function putConnectorSettings(
  db: Db,
  accountId: string,
  connectorId: string,
  input: ConnectorSettingsInput,
): Promise<ConnectorSettings> {
  const current = (await resolveConnector(db, accountId, connectorId)).settings;
  const row = await upsertConnectorSettings(db, {
    accountId,
    connectorId,
    baseUrl: input.baseUrl === undefined ? (current.baseUrl ?? null) : input.baseUrl,
    baseUrlVariables: input.baseUrlVariables ?? current.baseUrlVariables,
    enabled: input.enabled ?? current.enabled,
    rateLimit: input.rateLimit === undefined ? (current.rateLimit ?? null) : input.rateLimit,
  });
  return settingsFromRow(row);
}
