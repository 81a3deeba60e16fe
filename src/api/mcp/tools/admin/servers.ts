import { z } from 'zod';
import { assignToServer, serverAssignments, unassignFromServer } from '../../../../management/remoteMcp.js';
import { listServerViews } from '../../../../management/servers.js';
import { assignmentInput } from '../../../../remoteMcp/schemas.js';
import { serverIdParam } from '../../../../servers/schemas.js';
import { adminTool, noArguments, readOnlyTool } from './define.js';

const serverOnly = z.object({ serverId: serverIdParam }).strict();
const assignment = assignmentInput.safeExtend({ serverId: serverIdParam });

export const listServersTool = adminTool({
  name: 'list_servers',
  title: 'List servers',
  description:
    "Lists the owner's MCP servers (Switchboard's unit of agent): id, name, URL, whether it is public or admin, its " +
    'restrictions and token lifetime. Access tokens are never shown. list_server_connectors shows what each offers.',
  mirrors: { method: 'get', path: '/api/servers', access: 'operator' },
  input: noArguments,
  annotations: readOnlyTool,
  run: (_input, { deps, auth }) => listServerViews(deps, auth),
});

export const listServerConnectorsTool = adminTool({
  name: 'list_server_connectors',
  title: "List a server's connectors",
  description:
    'Lists the connectors assigned to a server (catalogue, custom, remote MCP and predefined OAuth entries). ' +
    'A server with no assignments offers every catalogue and custom connector.',
  mirrors: { method: 'get', path: '/api/servers/:serverId/connectors', access: 'operator' },
  input: serverOnly,
  annotations: readOnlyTool,
  run: ({ serverId }, { deps, auth }) => serverAssignments(deps, auth, serverId),
});

export const assignConnectorTool = adminTool({
  name: 'assign_connector',
  title: 'Assign a connector to a server',
  description:
    'Offers a connector on a server: exactly one of connectorId (catalogue or custom), mcpConnectorId (remote MCP ' +
    'connector) or oauthMcp (predefined entry). Idempotent; answers with the server’s assignments.',
  mirrors: { method: 'post', path: '/api/servers/:serverId/connectors', access: 'admin' },
  input: assignment,
  pathParams: ['serverId'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run: ({ serverId, ...body }, { deps, auth }) => assignToServer(deps, auth, serverId, body),
});

export const unassignConnectorTool = adminTool({
  name: 'unassign_connector',
  title: 'Remove a connector from a server',
  description:
    'Stops offering a connector on a server (the connector itself stays): exactly one of connectorId, mcpConnectorId ' +
    'or oauthMcp. Idempotent; answers whether it was assigned, and the server’s assignments.',
  mirrors: { method: 'delete', path: '/api/servers/:serverId/connectors', access: 'admin' },
  input: assignment,
  pathParams: ['serverId'],
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  run: ({ serverId, ...body }, { deps, auth }) => unassignFromServer(deps, auth, serverId, body),
});
