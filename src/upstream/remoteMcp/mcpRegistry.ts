import { fetch as undiciFetch, type Agent } from 'undici';
import type { Config } from '../../config.js';
import { SwitchboardError } from '../../errors.js';
import { capResponse, ResponseTooLargeError } from '../boundedBody.js';
import { checkUrl, createUpstreamAgent } from '../egress.js';
import { switchboardErrorIn } from '../http.js';

/**
 * One read of the MCP registry (MCP_REGISTRY_URL): through the egress-guarded agent, bounded in
 * time (REMOTE_MCP_TIMEOUT_MS) and size (UPSTREAM_MAX_RESPONSE_BYTES) while it streams. The JSON is
 * handed back unchecked: src/remoteMcp/mcpRegistry.ts validates it.
 */
export function mcpRegistryReader(config: Config): (path: string, query: Record<string, string>) => Promise<unknown> {
  let agent: Agent | undefined;
  return async (path, query) => {
    const url = new URL(`${config.mcpRegistry.url}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const host = url.host;
    const unavailable = (reason: string, details: Record<string, unknown> = {}) =>
      new SwitchboardError('UPSTREAM_ERROR', `The MCP registry at ${host} ${reason}`, { host, setting: 'MCP_REGISTRY_URL', ...details });
    agent ??= createUpstreamAgent(config);
    try {
      checkUrl(config.egress, url);
      const response = await undiciFetch(url, {
        dispatcher: agent,
        redirect: 'manual',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(config.remoteMcp.timeoutMs),
      });
      const capped = capResponse(response as unknown as Response, { bytes: config.upstream.maxResponseBytes, setting: 'UPSTREAM_MAX_RESPONSE_BYTES' }, host);
      if (response.status === 404) {
        await capped.body?.cancel();
        throw new SwitchboardError('NOT_FOUND', 'The MCP registry has no such server or version', { host });
      }
      if (!response.ok) {
        await capped.body?.cancel();
        throw unavailable(`answered HTTP ${response.status}`, { status: response.status });
      }
      try {
        return await capped.json();
      } catch (error) {
        if (error instanceof ResponseTooLargeError) throw error;
        throw unavailable('answered something that is not JSON');
      }
    } catch (error) {
      // A refusal of the guarded lookup arrives wrapped in undici's "fetch failed".
      const coded = switchboardErrorIn(error);
      if (coded) throw coded;
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw unavailable(`did not answer within ${config.remoteMcp.timeoutMs} ms (REMOTE_MCP_TIMEOUT_MS)`, { reason: 'timeout' });
      }
      throw unavailable('could not be reached', { reason: 'unreachable' });
    }
  };
}
