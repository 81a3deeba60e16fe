import { z } from 'zod';
import {
  getMcpConnectorView,
  listMcpConnectorViews,
  listOAuthMcpEntries,
  mcpConnectorBefore,
  mcpConnectorIdParam,
  testMcpConnector,
  updateMcpConnectorView,
} from '../../../../management/remoteMcp.js';
import { createMcpConnectorInput, testMcpConnectorInput, updateMcpConnectorInput } from '../../../../remoteMcp/schemas.js';
import { createMcpConnector, mcpConnectorView } from '../../../../remoteMcp/registry.js';
import { adminTool, noArguments, readOnlyTool } from './define.js';

export const listMcpConnectorsTool = adminTool({
  name: 'list_mcp_connectors',
  title: 'List remote MCP connectors',
  description:
    "Lists the account's remote MCP connectors: id, the connectorId agents see (mcp-<slug>), type, URL (path hidden), " +
    'headers (values masked) and how many tools were last listed.',
  mirrors: { method: 'get', path: '/api/mcp-connectors', access: 'operator' },
  input: noArguments,
  annotations: readOnlyTool,
  run: (_input, { deps, auth }) => listMcpConnectorViews(deps, auth),
});

export const listOAuthMcpEntriesTool = adminTool({
  name: 'list_oauth_mcp_entries',
  title: 'List predefined OAuth MCP entries',
  description:
    'Lists the predefined OAuth MCP entries (Gmail, Google Calendar, Google Drive) with whether the caller has connected ' +
    'each; use their id as oauthMcp in create_mcp_connector, assign_connector or test_mcp_connector.',
  mirrors: { method: 'get', path: '/api/mcp-connectors/oauth', access: 'operator' },
  input: noArguments,
  annotations: readOnlyTool,
  run: (_input, { deps, auth }) => listOAuthMcpEntries(deps, auth),
});

export const getMcpConnectorTool = adminTool({
  name: 'get_mcp_connector',
  title: 'Get a remote MCP connector',
  description: 'Reads one remote MCP connector by its row id (mcp_…) or mcp-<slug>, with secrets masked as in list_mcp_connectors.',
  mirrors: { method: 'get', path: '/api/mcp-connectors/:id', access: 'operator' },
  input: z.object({ id: mcpConnectorIdParam }).strict(),
  annotations: readOnlyTool,
  run: ({ id }, { deps, auth }) => getMcpConnectorView(deps, auth, id),
});

export const createMcpConnectorTool = adminTool({
  name: 'create_mcp_connector',
  title: 'Register a remote MCP server',
  description:
    'Registers a remote MCP server as a connector: type "simple" with an http(s) url and optional headers (values may ' +
    'reference account variables as {{name}}), or type "oauth" with a predefined oauthMcp entry. Names are unique per ' +
    'account. Assign it to a server with assign_connector before agents can use it.',
  mirrors: { method: 'post', path: '/api/mcp-connectors', access: 'admin', status: 201 },
  input: createMcpConnectorInput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  run: async (input, { deps, auth }) => mcpConnectorView(await createMcpConnector(deps, auth.accountId, input), deps.secretBox),
});

export const updateMcpConnectorTool = adminTool({
  name: 'update_mcp_connector',
  title: 'Update a remote MCP connector',
  description:
    'Changes a remote MCP connector’s name, category, url or headers (headers, when given, replace the whole set; a url ' +
    'sent back in its masked form keeps the stored one). Its type cannot change. Its tool list is fetched again.',
  mirrors: { method: 'put', path: '/api/mcp-connectors/:id', access: 'admin' },
  input: updateMcpConnectorInput.safeExtend({ id: mcpConnectorIdParam }),
  pathParams: ['id'],
  before: ({ deps, auth }, { id }) => mcpConnectorBefore(deps, auth, id ?? ''),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  run: ({ id, ...body }, { deps, auth }) => updateMcpConnectorView(deps, auth, id, body),
});

export const testMcpConnectorTool = adminTool({
  name: 'test_mcp_connector',
  title: 'Test a remote MCP connector',
  description:
    'Connects to a remote MCP connector (connectorId) or checks a predefined entry (oauthMcp), lists its tools and ' +
    'refreshes the cached list: {ok: true, message: "Connected · n tools", toolsets} or {ok: false, error}.',
  mirrors: { method: 'post', path: '/api/mcp-connectors/test', access: 'admin' },
  input: testMcpConnectorInput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  run: (input, { deps, auth }) => testMcpConnector(deps, auth, input),
});
