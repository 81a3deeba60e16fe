import { z } from 'zod';
import { listPluginViews, uploadPlugin } from '../../plugins/registry.js';
import { pluginResponse, uploadPluginInput } from '../../plugins/schemas.js';
import type { ApiDependencies } from '../context.js';
import { ApiRouter } from '../routing.js';

/** WASM plugins (docs/hosted.md#wasm-plugins): upload a version, list them. */
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
    );
}
