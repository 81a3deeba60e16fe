import { z } from 'zod';
import {
  getRemoteMcpConnectorView,
  listRemoteMcpConnectorViews,
  listPredefinedEntries,
  remoteMcpConnectorBefore,
  remoteMcpConnectorIdParam,
  testRemoteMcpConnector,
  updateRemoteMcpConnectorView,
} from '../../../../management/remoteMcp.js';
import { installFromMcpRegistry, searchMcpRegistry } from '../../../../management/remoteMcp.js';
import { installFromRegistryInput, searchRegistryInput } from '../../../../remoteMcp/mcpRegistry.js';
import { createRemoteMcpConnectorInput, testRemoteMcpConnectorInput, updateRemoteMcpConnectorInput } from '../../../../remoteMcp/schemas.js';
import { createRemoteMcpConnector, remoteMcpConnectorView } from '../../../../remoteMcp/registry.js';
import { adminTool, noArguments, readOnlyTool } from './define.js';

export const listRemoteMcpConnectorsTool = adminTool({
  name: 'list_mcp_connectors',
  title: 'List remote MCP connectors',
  description:
    "Lists the account's remote MCP connectors: id, the connectorId agents see (mcp-<slug>), type, URL (path hidden), " +
    'headers (values masked) and how many tools were last listed.',
  mirrors: { method: 'get', path: '/api/mcp-connectors', access: 'operator' },
  input: noArguments,
  annotations: readOnlyTool,
  run: (_input, { deps, auth }) => listRemoteMcpConnectorViews(deps, auth),
});

export const listPredefinedEntriesTool = adminTool({
  name: 'list_oauth_mcp_entries',
  title: 'List predefined OAuth MCP entries',
  description:
    'Lists the predefined OAuth MCP entries (Gmail, Google Calendar, Google Drive) with whether the caller has connected ' +
    'each; use their id as oauthMcp in create_mcp_connector, assign_connector or test_mcp_connector.',
  mirrors: { method: 'get', path: '/api/mcp-connectors/oauth', access: 'operator' },
  input: noArguments,
  annotations: readOnlyTool,
  run: (_input, { deps, auth }) => listPredefinedEntries(deps, auth),
});

export const getRemoteMcpConnectorTool = adminTool({
  name: 'get_mcp_connector',
  title: 'Get a remote MCP connector',
  description: 'Reads one remote MCP connector by its row id (mcp_…) or mcp-<slug>, with secrets masked as in list_mcp_connectors.',
  mirrors: { method: 'get', path: '/api/mcp-connectors/:id', access: 'operator' },
  input: z.object({ id: remoteMcpConnectorIdParam }).strict(),
  annotations: readOnlyTool,
  run: ({ id }, { deps, auth }) => getRemoteMcpConnectorView(deps, auth, id),
});

export const createRemoteMcpConnectorTool = adminTool({
  name: 'create_mcp_connector',
  title: 'Register a remote MCP server',
  description:
    'Registers a remote MCP server as a connector: type "simple" with an http(s) url and optional headers (values may ' +
    'reference account variables as {{name}}), type "oauth" with a predefined oauthMcp entry, or type "stdio" with a ' +
    'command, args and env that the worker runs in its sandbox (docs/hosted.md). Names are unique per ' +
    'account. Assign it to a server with assign_connector before agents can use it.',
  mirrors: { method: 'post', path: '/api/mcp-connectors', access: 'admin', status: 201 },
  input: createRemoteMcpConnectorInput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  run: async (input, { deps, auth }) => remoteMcpConnectorView(await createRemoteMcpConnector(deps, auth.accountId, input), deps.secretBox),
});

export const updateRemoteMcpConnectorTool = adminTool({
  name: 'update_mcp_connector',
  title: 'Update a remote MCP connector',
  description:
    'Changes a remote MCP connector’s name, category, url or headers (headers, when given, replace the whole set; a url ' +
    'sent back in its masked form keeps the stored one). Its type cannot change. Its tool list is fetched again.',
  mirrors: { method: 'put', path: '/api/mcp-connectors/:id', access: 'admin' },
  input: updateRemoteMcpConnectorInput.safeExtend({ id: remoteMcpConnectorIdParam }),
  pathParams: ['id'],
  before: ({ deps, auth }, { id }) => remoteMcpConnectorBefore(deps, auth, id ?? ''),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  run: ({ id, ...body }, { deps, auth }) => updateRemoteMcpConnectorView(deps, auth, id, body),
});

export const testRemoteMcpConnectorTool = adminTool({
  name: 'test_mcp_connector',
  title: 'Test a remote MCP connector',
  description:
    'Connects to a remote MCP connector (connectorId) or checks a predefined entry (oauthMcp), lists its tools and ' +
    'refreshes the cached list: {ok: true, message: "Connected · n tools", toolsets} or {ok: false, error}.',
  mirrors: { method: 'post', path: '/api/mcp-connectors/test', access: 'admin' },
  input: testRemoteMcpConnectorInput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  run: (input, { deps, auth }) => testRemoteMcpConnector(deps, auth, input),
});

export const searchRegistryTool = adminTool({
  name: 'search_registry',
  title: 'Search the MCP registry',
  description:
    'Searches the MCP registry (MCP_REGISTRY_URL, the official Registry API) for servers: name, version, description, ' +
    'remotes (URL, declared headers) and npm packages (declared environment variables), each marked installable or not ' +
    'with the reason. Pass nextCursor back as cursor for the next page. Install one with install_from_registry.',
  mirrors: { method: 'get', path: '/api/registry/servers', access: 'operator' },
  input: searchRegistryInput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  run: (input, { deps }) => searchMcpRegistry(deps, input),
});

export const installFromRegistryTool = adminTool({
  name: 'install_from_registry',
  title: 'Install an MCP registry entry',
  description:
    "Turns a registry entry's remote (remoteUrl) into a remote connector (oauth when the server asks for OAuth, else " +
    "simple with the declared headers from values) or its npm package (packageIdentifier) into a hosted stdio connector " +
    'running npx in the sandbox (needs HOSTED_MCP_ALLOW_NETWORK; FORBIDDEN otherwise), with the declared environment ' +
    'variables from values (required ones must be given; sealed at rest). Assign it to a server with assign_connector.',
  mirrors: { method: 'post', path: '/api/registry/install', access: 'admin', status: 201 },
  input: installFromRegistryInput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  run: (input, { deps, auth }) => installFromMcpRegistry(deps, auth, input),
});
