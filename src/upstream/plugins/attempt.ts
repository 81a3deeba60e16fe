import type { ActionDefinition } from '../../connectors/schema.js';
import type { Connector } from '../../connectors/types.js';
import { callAuthorizer } from '../../credentials/authorize.js';
import type { OAuthFlows } from '../../credentials/ports.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/connect.js';
import { getPluginManifest, getPluginModule } from '../../db/repositories/plugins.js';
import { ConnectorNotFoundError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import { Redactor, redactionScope, secretsOfAuth } from '../../secrets/redaction.js';
import type { SecretBox } from '../../secrets/secretBox.js';
import type { AttemptInput, AttemptOutcome } from '../../workflows/contracts/attempt.js';
import { createUpstreamAgent } from '../egress.js';
import { boundResult } from '../shaping.js';
import { runPlugin } from './runtime.js';

type PluginDependencies = { config: Config; db: Db; secretBox: SecretBox; logger: Logger; oauthFlows: OAuthFlows };

/** One egress-guarded dispatcher per process and policy for every plugin's requests. */
const agents = new WeakMap<object, ReturnType<typeof createUpstreamAgent>>();
function agentFor(config: Config) {
  let agent = agents.get(config.egress);
  if (!agent) {
    agent = createUpstreamAgent(config);
    agents.set(config.egress, agent);
  }
  return agent;
}

function parsed(output: string): unknown {
  if (output.length === 0) return null;
  try {
    return JSON.parse(output) as unknown;
  } catch {
    return output;
  }
}

/**
 * One attempt of execute_action on a WASM plugin's action, inside the attemptConnectorAction
 * activity: the credential is opened here and reaches the plugin's requests only through the host
 * function; the result names the version that ran.
 */
export async function attemptPluginAction(
  deps: PluginDependencies,
  input: AttemptInput,
  /** Resolved by the attempt pipeline (src/activities/attempt/pipeline.ts), parameters checked. */
  resolved: { connector: Connector; action: ActionDefinition; toolArguments: Record<string, unknown> },
  permit: (connector: Connector) => Promise<AttemptOutcome | undefined>,
  signal?: AbortSignal,
): Promise<AttemptOutcome> {
  const call = input.action;
  const { connector, action, toolArguments: parameters } = resolved;
  const auth = await callAuthorizer(deps, call, connector)();
  const secrets = secretsOfAuth(auth);
  const redactor = redactionScope()?.add(secrets) ?? new Redactor(secrets);
  const binding = connector.plugin!;
  const [module, version] = await Promise.all([getPluginModule(deps.db, binding.pluginId, binding.version), getPluginManifest(deps.db, binding.pluginId, binding.version)]);
  if (!module || !version) throw new ConnectorNotFoundError(call.connectorId);
  const wait = await permit(connector);
  if (wait) return wait;
  const started = Date.now();
  const output = await runPlugin(deps.config, agentFor(deps.config), {
    name: connector.name,
    version: binding.version,
    module,
    exportName: binding.exports[action.id] ?? action.id,
    input: JSON.stringify(parameters),
    allowedHosts: binding.allowedHosts,
    authHeaders: auth.headers,
    redactor,
    ...(signal ? { signal } : {}),
  });
  deps.logger.debug({ connectorId: connector.id, actionId: action.id, version: binding.version, ms: Date.now() - started }, 'plugin call');
  const bounded = boundResult(redactor.value(parsed(output)), []);
  return {
    kind: 'succeeded',
    result: {
      status: 200,
      ...(auth.credentialId ? { credentialId: auth.credentialId } : {}),
      data: bounded.data,
      ...(bounded.notes.length > 0 ? { notes: bounded.notes } : {}),
      plugin: { version: binding.version, sha256: version.sha256 },
    },
  };
}
