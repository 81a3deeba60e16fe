import {
  CompleteResultSchema,
  GetPromptResultSchema,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ReadResourceResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../../config.js';
import type { RelayedMethod, RelayWire } from '../../remoteMcp/ports.js';
import type { RemoteEndpoint } from '../../remoteMcp/variables.js';
import { Redactor } from '../../secrets/redaction.js';
import { MODERN_REVISION, withModernClient, withRemoteClient } from './client.js';

const resultSchemas = {
  'resources/list': ListResourcesResultSchema,
  'resources/templates/list': ListResourceTemplatesResultSchema,
  'resources/read': ReadResourceResultSchema,
  'prompts/list': ListPromptsResultSchema,
  'prompts/get': GetPromptResultSchema,
  'completion/complete': CompleteResultSchema,
} as const;

/**
 * One read a tools-mode server relays to a remote MCP server (resources, prompts, completions):
 * connect, ask, close, within REMOTE_MCP_TIMEOUT_MS, the answer read within
 * UPSTREAM_MAX_RESPONSE_BYTES and scrubbed of the endpoint's secrets. Reads change nothing, so a
 * failed one is the caller's to ask again, not a durable run's.
 */
export async function relayRemoteRequest(
  config: Config,
  endpoint: RemoteEndpoint,
  method: RelayedMethod,
  params: Record<string, unknown>,
  wire: RelayWire = {},
): Promise<Record<string, unknown>> {
  const { timeoutMs } = config.remoteMcp;
  // A 2026-07-28 server hears what the caller declared, and its input_required answer is the caller's to fulfil: it comes back as it is.
  const result =
    wire.protocolVersion === MODERN_REVISION
      ? await withModernClient(config, endpoint, timeoutMs, true, 'modern', (client, options) => client.request({ method, params } as never, { ...options, allowInputRequired: true }), undefined, wire.callerCapabilities)
      : await withRemoteClient(config, endpoint, timeoutMs, true, (client, options) => client.request({ method, params }, resultSchemas[method], options));
  return new Redactor(endpoint.secrets).value(result) as Record<string, unknown>;
}
