import { z } from 'zod';
import { connectorSettingsInputSchema } from '../../../../connectors/accountConnectors.js';
import { connectorIdSchema } from '../../../../connectors/ids.js';
import {
  connectorSettingsBefore,
  getAccountConnector,
  listAccountConnectors,
  listConnectorsQuery,
  setConnectorSettings,
} from '../../../../management/connectors.js';
import { adminTool, readOnlyTool } from './define.js';

const connectorId = connectorIdSchema.describe('A catalogue or custom connector id');

export const listAccountConnectorsTool = adminTool({
  name: 'list_account_connectors',
  title: 'List catalogue and custom connectors',
  description:
    "Lists every catalogue and custom connector of the account with its account settings, whatever this server offers " +
    '(list_connectors shows what it offers): filter by category or query words, page with limit and offset.',
  mirrors: { method: 'get', path: '/api/connectors', access: 'user' },
  input: listConnectorsQuery,
  annotations: readOnlyTool,
  run: (query, { deps, auth }) => listAccountConnectors(deps, auth, query),
});

export const getAccountConnectorTool = adminTool({
  name: 'get_account_connector',
  title: 'Get a connector and its settings',
  description:
    "Reads a catalogue or custom connector's definition (auth methods, actions) and the account's settings for it: " +
    'base URL, base URL variables, rate limit and whether it is enabled.',
  mirrors: { method: 'get', path: '/api/connectors/:id', access: 'user' },
  input: z.object({ id: connectorId }).strict(),
  annotations: readOnlyTool,
  run: ({ id }, { deps, auth }) => getAccountConnector(deps, auth, id),
});

export const setConnectorSettingsTool = adminTool({
  name: 'set_connector_settings',
  title: 'Set connector settings',
  description:
    "Sets the account's base URL, base URL variables, rate limit or enabled switch for a connector (only the fields " +
    "given change). enabled: false revokes every user's credentials for it, at the provider too.",
  mirrors: { method: 'put', path: '/api/connectors/:id/settings', access: 'admin' },
  input: connectorSettingsInputSchema.safeExtend({ id: connectorId }),
  pathParams: ['id'],
  before: ({ deps, auth }, { id }) => connectorSettingsBefore(deps, auth, id ?? ''),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  run: ({ id, ...body }, { deps, auth }) => setConnectorSettings(deps, auth, id, body),
});
