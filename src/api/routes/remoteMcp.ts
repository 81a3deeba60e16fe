import { z } from 'zod';
import { listVariables } from '../../db/repositories/remoteMcpConnectors.js';
import {
  assignmentInput,
  assignmentResponse,
  createRemoteMcpConnectorInput,
  remoteMcpConnectorResponse,
  predefinedEntryStatusResponse,
  putVariableInput,
  testRemoteMcpConnectorInput,
  testRemoteMcpConnectorResponse,
  updateRemoteMcpConnectorInput,
  variableNameSchema,
  variableResponse,
} from '../../remoteMcp/schemas.js';
import { createRemoteMcpConnector, deleteRemoteMcpConnector, remoteMcpConnectorView } from '../../remoteMcp/registry.js';
import { putVariable, removeVariable, variableView } from '../../remoteMcp/variables.js';
import { InvalidRequestError } from '../../errors.js';
import type { ApiDependencies } from '../context.js';
import {
  assignToServer,
  getRemoteMcpConnectorView,
  listRemoteMcpConnectorViews,
  listPredefinedEntries,
  remoteMcpConnectorBefore,
  serverAssignments,
  testRemoteMcpConnector,
  unassignFromServer,
  updateRemoteMcpConnectorView,
} from '../../management/remoteMcp.js';
import { ApiRouter, type BeforeInput } from '../routing.js';

function variableName(raw: string | undefined): string {
  const parsed = variableNameSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidRequestError(`"${raw}" is not a variable name`, { field: 'name' });
  return parsed.data;
}

/** Remote MCP connectors, account variables and per-server connector assignments. */
export function remoteMcpRoutes(deps: ApiDependencies): ApiRouter {
  const tag = 'Remote MCP connectors';
  const { db, secretBox } = deps;
  const remoteBefore = ({ auth, params }: BeforeInput) => remoteMcpConnectorBefore(deps, auth, params.id!);
  return new ApiRouter()
    .add(
      {
        method: 'get',
        path: '/api/mcp-connectors', access: 'operator',
        summary: "List the account's remote MCP connectors",
        tag,
        response: z.object({ connectors: z.array(remoteMcpConnectorResponse), count: z.number() }),
      },
      async ({ auth }) => listRemoteMcpConnectorViews(deps, auth),
    )
    .add(
      {
        method: 'post',
        path: '/api/mcp-connectors', access: 'admin',
        summary: 'Register a remote MCP server (simple) or a predefined oauth entry',
        tag,
        body: createRemoteMcpConnectorInput,
        response: remoteMcpConnectorResponse,
        status: 201,
      },
      async ({ auth, body }) => remoteMcpConnectorView(await createRemoteMcpConnector(deps, auth.accountId, body), secretBox),
    )
    .add(
      {
        method: 'get',
        path: '/api/mcp-connectors/oauth', access: 'operator',
        summary: 'Predefined oauth MCP entries, with whether the caller has connected each',
        tag,
        response: z.object({ entries: z.array(predefinedEntryStatusResponse) }),
      },
      async ({ auth }) => listPredefinedEntries(deps, auth),
    )
    .add(
      {
        method: 'post',
        path: '/api/mcp-connectors/test', access: 'admin',
        summary: 'Connect to a remote connector (or check an oauth entry), list its tools and refresh the cached list',
        tag,
        body: testRemoteMcpConnectorInput,
        response: testRemoteMcpConnectorResponse,
      },
      async ({ auth, body }) => testRemoteMcpConnector(deps, auth, body),
    )
    .add(
      { method: 'get', path: '/api/mcp-connectors/:id', access: 'operator', summary: 'Get a remote MCP connector', tag, response: remoteMcpConnectorResponse },
      async ({ auth, params }) => getRemoteMcpConnectorView(deps, auth, params.id!),
    )
    .add(
      {
        method: 'put',
        path: '/api/mcp-connectors/:id', access: 'admin',
        summary: 'Update a remote MCP connector (its type cannot change); the tool list is fetched again',
        tag,
        body: updateRemoteMcpConnectorInput,
        response: remoteMcpConnectorResponse,
        auditBefore: remoteBefore,
      },
      async ({ auth, params, body }) => updateRemoteMcpConnectorView(deps, auth, params.id!, body),
    )
    .add(
      {
        method: 'delete',
        path: '/api/mcp-connectors/:id', access: 'admin',
        summary: 'Delete a remote MCP connector and its server assignments',
        tag,
        auditBefore: remoteBefore,
        response: z.object({ message: z.string(), id: z.string() }),
      },
      async ({ auth, params }) => {
        const row = await deleteRemoteMcpConnector(db, auth.accountId, params.id!);
        return { message: 'Connector deleted', id: row.id };
      },
    )
    .add(
      {
        method: 'get',
        path: '/api/variables', access: 'operator',
        summary: 'List account variables (values masked)',
        tag,
        response: z.object({ variables: z.array(variableResponse) }),
      },
      async ({ auth }) => ({ variables: (await listVariables(db, auth.accountId)).map((row) => variableView(row, secretBox)) }),
    )
    .add(
      {
        method: 'put',
        path: '/api/variables/:name', access: 'admin',
        summary: 'Set an account variable, referenced as {{name}} in connector URLs and headers',
        tag,
        body: putVariableInput,
        response: variableResponse,
      },
      async ({ auth, params, body }) => putVariable(db, secretBox, auth.accountId, variableName(params.name), body.value),
    )
    .add(
      {
        method: 'delete',
        path: '/api/variables/:name', access: 'admin',
        summary: 'Delete an account variable',
        tag,
        response: z.object({ message: z.string(), name: z.string() }),
      },
      async ({ auth, params }) => {
        const name = variableName(params.name);
        await removeVariable(db, auth.accountId, name);
        return { message: 'Variable deleted', name };
      },
    )
    .add(
      {
        method: 'get',
        path: '/api/servers/:serverId/connectors', access: 'operator',
        summary: "A server's assigned connectors (none: it offers every connector)",
        tag,
        response: z.object({ assignments: z.array(assignmentResponse), count: z.number() }),
      },
      async ({ auth, params }) => serverAssignments(deps, auth, params.serverId!),
    )
    .add(
      {
        method: 'post',
        path: '/api/servers/:serverId/connectors', access: 'admin',
        summary: 'Assign a connector to a server (idempotent)',
        tag,
        body: assignmentInput,
        response: z.object({ assignments: z.array(assignmentResponse), count: z.number() }),
      },
      async ({ auth, params, body }) => assignToServer(deps, auth, params.serverId!, body),
    )
    .add(
      {
        method: 'delete',
        path: '/api/servers/:serverId/connectors', access: 'admin',
        summary: 'Remove a connector from a server (idempotent)',
        tag,
        body: assignmentInput,
        response: z.object({ removed: z.boolean(), assignments: z.array(assignmentResponse), count: z.number() }),
      },
      async ({ auth, params, body }) => unassignFromServer(deps, auth, params.serverId!, body),
    );
}
