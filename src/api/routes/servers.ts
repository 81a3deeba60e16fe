import { z } from 'zod';
import { createServer, deleteServer, DuplicateServerNameError, rotateServerToken, updateServer } from '../../db/repositories/servers.js';
import { ConflictError, InvalidRequestError } from '../../errors.js';
import { listServerViews, ownedServer, restrictionWarnings, toServerResponse } from '../../management/servers.js';
import { createServerInput, serverResponse, serverToolsResponse, updateServerInput, type ServerResponse } from '../../servers/schemas.js';
import { serverToolsFor } from '../mcp/serverTools.js';
import type { ApiDependencies } from '../context.js';
import { ApiRouter, type BeforeInput } from '../routing.js';

function duplicateName(name: string) {
  return new ConflictError(`A server named "${name}" already exists for this user`, { field: 'name', name });
}

const withWarnings = (server: ServerResponse, warnings: string[]): ServerResponse => (warnings.length > 0 ? { ...server, warnings } : server);

export function serverRoutes(deps: ApiDependencies): ApiRouter {
  const publicUrl = deps.publicUrl;
  const serverBefore = async ({ auth, params }: BeforeInput) =>
    toServerResponse(publicUrl, await ownedServer(deps, auth, params.serverId));
  return new ApiRouter()
    .add(
      { method: 'post', path: '/api/servers', access: 'admin', summary: 'Create an MCP server', tag: 'Servers', body: createServerInput, response: serverResponse, status: 201 },
      async ({ auth, body }) => {
        try {
          const { server, token } = await createServer(deps.db, { ...body, accountId: auth.accountId, ownerUserId: auth.userId });
          return withWarnings(toServerResponse(publicUrl, server, token), await restrictionWarnings(deps, auth.accountId, body.restrictions));
        } catch (error) {
          if (error instanceof DuplicateServerNameError) throw duplicateName(body.name);
          throw error;
        }
      },
    )
    .add(
      {
        method: 'get',
        path: '/api/servers', access: 'operator',
        summary: "List the caller's servers",
        tag: 'Servers',
        response: z.object({ servers: z.array(serverResponse), count: z.number() }),
      },
      async ({ auth }) => listServerViews(deps, auth),
    )
    .add(
      { method: 'get', path: '/api/servers/:serverId', access: 'operator', summary: 'Get a server', tag: 'Servers', response: serverResponse },
      async ({ auth, params }) => toServerResponse(publicUrl, await ownedServer(deps, auth, params.serverId)),
    )
    .add(
      { method: 'put', path: '/api/servers/:serverId', access: 'admin', summary: 'Update a server', tag: 'Servers', body: updateServerInput, response: serverResponse, auditBefore: serverBefore },
      async ({ auth, params, body }) => {
        const server = await ownedServer(deps, auth, params.serverId);
        if (Object.keys(body).length === 0) throw new InvalidRequestError('Nothing to update', { fields: Object.keys(updateServerInput.shape) });
        try {
          const updated = toServerResponse(publicUrl, await updateServer(deps.db, server.id, body));
          return withWarnings(updated, await restrictionWarnings(deps, auth.accountId, body.restrictions));
        } catch (error) {
          if (error instanceof DuplicateServerNameError) throw duplicateName(body.name ?? '');
          throw error;
        }
      },
    )
    .add(
      {
        method: 'delete',
        path: '/api/servers/:serverId', access: 'admin',
        summary: 'Delete a server; its MCP URLs stop working at once',
        tag: 'Servers',
        auditBefore: serverBefore,
        response: z.object({ message: z.string(), serverId: z.string() }),
      },
      async ({ auth, params }) => {
        const server = await ownedServer(deps, auth, params.serverId);
        await deleteServer(deps.db, server.id);
        return { message: 'Server deleted', serverId: server.id };
      },
    )
    .add(
      {
        method: 'get',
        path: '/api/servers/:serverId/tools', access: 'operator',
        summary: 'The tools an agent acting as the caller sees on this server (its mode decides which)',
        tag: 'Servers',
        response: serverToolsResponse,
      },
      async ({ auth, params }) => serverToolsFor(deps, auth, await ownedServer(deps, auth, params.serverId)),
    )
    .add(
      {
        method: 'post',
        path: '/api/servers/:serverId/rotate-token', access: 'admin',
        summary: 'Issue a new access token and revoke the old ones',
        tag: 'Servers',
        response: serverResponse,
      },
      async ({ auth, params }) => {
        const server = await ownedServer(deps, auth, params.serverId);
        return toServerResponse(publicUrl, server, await rotateServerToken(deps.db, server));
      },
    );
}
