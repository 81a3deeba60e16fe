import type { Config } from '../config.js';
import type { Db } from '../db/connect.js';
import { SwitchboardError } from '../errors.js';
import type { AuthContext } from '../policy/caller.js';
import { pluginVersionToLoad } from '../plugins/registry.js';
import type { TestPluginInput, TestPluginResponse } from '../plugins/schemas.js';
import { exportsOfLoadedPlugin } from '../upstream/plugins/runtime.js';

/**
 * POST /api/plugins/test and test_plugin: the chosen version (the newest by default) loads in the
 * plugin runtime with a call's limits and exports every action's function. No action is called: a
 * call is a durable run (execute_action), with the caller's credential.
 */
export async function testPlugin(deps: { db: Db; config: Pick<Config, 'plugins'> }, auth: AuthContext, input: TestPluginInput): Promise<TestPluginResponse> {
  const loaded = await pluginVersionToLoad(deps.db, auth.accountId, input.id, input.version);
  const exportOf = new Map(loaded.manifest.actions.map((action) => [action.export ?? action.id, action.id]));
  const answer = { version: loaded.version, sha256: loaded.sha256 };
  try {
    const exported = new Set(await exportsOfLoadedPlugin(deps.config.plugins, loaded.module, [...exportOf.keys()]));
    const actions = [...exportOf].filter(([name]) => exported.has(name)).map(([, actionId]) => actionId);
    const missing = [...exportOf].filter(([name]) => !exported.has(name)).map(([name]) => name);
    if (missing.length > 0) return { ok: false, ...answer, actions, error: `Version ${loaded.version} does not export ${missing.join(', ')}`, code: 'INVALID_REQUEST' };
    return { ok: true, ...answer, actions, message: `Loaded version ${loaded.version} · ${actions.length} action${actions.length === 1 ? '' : 's'}` };
  } catch (error) {
    if (error instanceof SwitchboardError) return { ok: false, ...answer, error: error.message, code: error.code };
    const message = typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : String(error);
    return { ok: false, ...answer, error: `Version ${loaded.version} does not load: ${message.slice(0, 500)}`, code: 'UPSTREAM_REJECTED' };
  }
}
