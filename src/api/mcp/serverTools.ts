import type { ServerRow } from '../../db/tables/servers.js';
import type { AuthContext } from '../../policy/caller.js';
import type { ServerToolsResponse } from '../../servers/schemas.js';
import type { ApiDependencies } from '../context.js';
import { describeTools } from './server.js';
import { adminServerTools, allTools } from './tools/index.js';
import { offeredTools } from './toolsMode.js';

/**
 * The tools an agent calling as `auth` sees on the server (the console's Tools tab): the
 * meta-tools in connectivity mode, the caller's own tools in tools mode (docs/tools-mode.md).
 */
export async function serverToolsFor(deps: ApiDependencies, auth: AuthContext, server: ServerRow): Promise<ServerToolsResponse> {
  const summary = (tool: { name: string; title?: string | undefined; description?: string | undefined }) => ({
    name: tool.name,
    ...(tool.title ? { title: tool.title } : {}),
    ...(tool.description ? { description: tool.description } : {}),
  });
  if (server.mode !== 'tools') {
    const described = describeTools(server.admin ? adminServerTools : allTools);
    return { mode: server.mode, tools: described.map(summary), listed: described.length, count: described.length };
  }
  const { tools, described } = await offeredTools({ deps, auth: { ...auth, serverId: server.id }, server });
  // Past the cap, tools has every offered tool and search_tools besides.
  const count = tools.length === described.length ? tools.length : tools.length - 1;
  return { mode: server.mode, tools: described.map(summary), listed: described.length, count };
}
