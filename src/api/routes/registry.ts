import { installFromMcpRegistry, searchMcpRegistry } from '../../management/remoteMcp.js';
import { installFromRegistryInput, searchRegistryInput, searchRegistryResponse } from '../../remoteMcp/mcpRegistry.js';
import { remoteMcpConnectorResponse } from '../../remoteMcp/schemas.js';
import type { ApiDependencies } from '../context.js';
import { ApiRouter } from '../routing.js';

/** The MCP registry (docs/hosted.md#registry): browse it, install an entry as a connector. Roles as for /api/mcp-connectors. */
export function registryRoutes(deps: ApiDependencies): ApiRouter {
  const tag = 'MCP registry';
  return new ApiRouter()
    .add(
      {
        method: 'get',
        path: '/api/registry/servers', access: 'operator',
        summary: 'Search the MCP registry (MCP_REGISTRY_URL): one page of entries, each with its remotes and packages and whether it can be installed here',
        tag,
        query: searchRegistryInput,
        response: searchRegistryResponse,
      },
      async ({ query }) => searchMcpRegistry(deps, query),
    )
    .add(
      {
        method: 'post',
        path: '/api/registry/install', access: 'admin',
        summary: "Install a registry entry's remote (a simple or oauth connector) or npm package (a hosted stdio connector run by npx)",
        tag,
        body: installFromRegistryInput,
        response: remoteMcpConnectorResponse,
        status: 201,
      },
      async ({ auth, body }) => installFromMcpRegistry(deps, auth, body),
    );
}
