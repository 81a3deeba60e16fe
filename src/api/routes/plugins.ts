import { z } from 'zod';
import { testPlugin } from '../../management/plugins.js';
import { getPluginView, listPluginViews, uploadPlugin } from '../../plugins/registry.js';
import { pluginDetailResponse, pluginResponse, testPluginInput, testPluginResponse, uploadPluginInput } from '../../plugins/schemas.js';
import type { ApiDependencies } from '../context.js';
import { ApiRouter } from '../routing.js';

/** WASM plugins (docs/hosted.md#wasm-plugins): upload a version, list them, read one with its versions, test one. */
export function pluginRoutes(deps: ApiDependencies): ApiRouter {
  const tag = 'Plugins';
  return new ApiRouter()
    .add(
      { method: 'get', path: '/api/plugins', access: 'operator', summary: "The account's WASM plugins, each at its newest version", tag, response: z.object({ plugins: z.array(pluginResponse), count: z.number() }) },
      async ({ auth }) => listPluginViews(deps.db, auth.accountId),
    )
    .add(
      {
        method: 'post',
        path: '/api/plugins', access: 'admin',
        summary: 'Upload a WASM plugin: the first upload of a name is version 1, each later one the next version (which calls then use)',
        tag,
        body: uploadPluginInput,
        response: pluginResponse,
        status: 201,
      },
      async ({ auth, body }) => uploadPlugin(deps, auth.accountId, body),
    )
    .add(
      {
        method: 'post',
        path: '/api/plugins/test', access: 'admin',
        summary: "Load a plugin's version (the newest by default) with a call's limits and check it exports every action; calls nothing",
        tag,
        body: testPluginInput,
        response: testPluginResponse,
      },
      async ({ auth, body }) => testPlugin(deps, auth, body),
    )
    .add(
      { method: 'get', path: '/api/plugins/:id', access: 'operator', summary: 'A WASM plugin (plg_… or plugin-<slug>) with every version it had', tag, response: pluginDetailResponse },
      async ({ auth, params }) => getPluginView(deps.db, auth.accountId, params.id!),
    );
}
