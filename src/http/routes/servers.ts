import { z } from 'zod';
import type { ServerRow } from '../../db/tables/servers.js';
import {
  createServer,
  deleteServer,
  DuplicateServerNameError,
  getServer,
  listServers,
  rotateServerToken,
  updateServer,
  type IssuedToken,
} from '../../db/repositories/servers.js';
import { ConflictError, ForbiddenError, InvalidRequestError, NotFoundError } from '../../errors.js';
import { hasRestrictions } from '../../servers/restrictions.js';
import {
  createServerInput,
  serverIdParam,
  serverResponse,
  updateServerInput,
  type ServerResponse,
} from '../../servers/schemas.js';
import type { ApiDependencies, AuthContext } from '../context.js';
import { ApiRouter, type BeforeInput } from '../routing.js';

export function serverUrls(publicUrl: string, serverId: string, token?: string) {
  const url = `${publicUrl}/mcp/${serverId}`;
  return { url, ...(token ? { accessUrl: `${url}/${token}` } : {}) };
}

export function toServerResponse(publicUrl: string, server: ServerRow, token?: IssuedToken): ServerResponse {
  return {
    serverId: server.id,
    name: server.name,
    description: server.description,
    mode: 'connectivity',
    isPublic: server.is_public,
    tokenExpiresInDays: server.token_expires_in_days,
    ...serverUrls(publicUrl, server.id, token?.token),
    ...(token ? { accessToken: token.token, accessTokenExpiresAt: token.row.expires_at.toISOString() } : {}),
    restrictions: server.restrictions,
    hasRestrictions: hasRestrictions(server.restrictions),
    createdAt: server.created_at.toISOString(),
    updatedAt: server.updated_at.toISOString(),
  };
}

/** A server of the caller's: 404 when it doesn't exist, 403 when it is someone else's. */
export async function ownedServer(deps: ApiDependencies, auth: AuthContext, rawId: string | undefined): Promise<ServerRow> {
  const id = serverIdParam.safeParse(rawId);
  const server = id.success ? await getServer(deps.db, id.data) : undefined;
  if (!server) throw new NotFoundError('Server not found', { serverId: rawId });
  if (server.account_id !== auth.accountId || server.owner_user_id !== auth.userId) {
    throw new ForbiddenError('Not authorized for this server', { serverId: server.id });
  }
  return server;
}

function duplicateName(name: string) {
  return new ConflictError(`A server named "${name}" already exists for this user`, { field: 'name', name });
}

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
          return toServerResponse(publicUrl, server, token);
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
      async ({ auth }) => {
        const servers = await listServers(deps.db, auth.accountId, auth.userId);
        return { servers: servers.map((server) => toServerResponse(publicUrl, server)), count: servers.length };
      },
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
          return toServerResponse(publicUrl, await updateServer(deps.db, server.id, body));
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
