import { z } from 'zod';
import { testPlugin } from '../../../../management/plugins.js';
import { getPluginView, listPluginViews, uploadPlugin } from '../../../../plugins/registry.js';
import { pluginIdParam, testPluginInput, uploadPluginInput } from '../../../../plugins/schemas.js';
import { adminTool, noArguments, readOnlyTool } from './define.js';

export const listPluginsTool = adminTool({
  name: 'list_plugins',
  title: 'List WASM plugins',
  description: "Lists the account's WASM plugins at their newest version: id, the connectorId agents see (plugin-<slug>), version, module SHA-256, actions and allowed hosts.",
  mirrors: { method: 'get', path: '/api/plugins', access: 'operator' },
  input: noArguments,
  annotations: readOnlyTool,
  run: (_input, { deps, auth }) => listPluginViews(deps.db, auth.accountId),
});

export const getPluginTool = adminTool({
  name: 'get_plugin',
  title: 'Get a WASM plugin',
  description: 'Reads one WASM plugin by its row id (plg_…) or plugin-<slug>, with every version it had (newest first; calls use the newest).',
  mirrors: { method: 'get', path: '/api/plugins/:id', access: 'operator' },
  input: z.object({ id: pluginIdParam }).strict(),
  annotations: readOnlyTool,
  run: ({ id }, { deps, auth }) => getPluginView(deps.db, auth.accountId, id),
});

export const uploadPluginTool = adminTool({
  name: 'upload_plugin',
  title: 'Upload a WASM plugin',
  description:
    'Uploads a WebAssembly module (base64) with its manifest (actions and their exported functions and parameters, ' +
    'allowedHosts, auth): the first upload of a name is version 1, each later one the next version, which calls then use. ' +
    'The module must compile and export every action. Agents see it as plugin-<slug> once assigned with assign_connector.',
  mirrors: { method: 'post', path: '/api/plugins', access: 'admin', status: 201 },
  input: uploadPluginInput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  run: (input, { deps, auth }) => uploadPlugin(deps, auth.accountId, input),
});

export const testPluginTool = adminTool({
  name: 'test_plugin',
  title: 'Test a WASM plugin',
  description:
    "Loads a plugin's version (the newest unless version is given) in the plugin runtime with a call's limits and checks " +
    'it exports every action: {ok: true, message: "Loaded version n · k actions"} or {ok: false, error}. Calls no action.',
  mirrors: { method: 'post', path: '/api/plugins/test', access: 'admin' },
  input: testPluginInput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run: (input, { deps, auth }) => testPlugin(deps, auth, input),
});
