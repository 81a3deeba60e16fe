import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Agent } from 'undici';
import type { Config } from '../../config.js';
import type { Logger } from '../../observability/logger.js';
import { InvalidRequestError } from '../../errors.js';
import type { RemoteMcpPeers } from '../../remoteMcp/ports.js';
import { checkAddress, checkUrl, createUpstreamAgent, EgressRefusedError } from '../egress.js';
import { listHostedTools } from '../stdioMcp/call.js';
import { listRemoteTools } from './client.js';
import { discoveryHttp, probeChallenge } from './oauthDiscovery.js';
import { mcpRegistryReader } from './mcpRegistry.js';
import { relayRemoteRequest } from './relay.js';
import { standingSessions } from './standingSessions.js';

/** Remote MCP's calls out (src/remoteMcp/ports.ts), through the egress-guarded dispatcher. */
export function remoteMcpPeers(config: Config, logger: Logger): RemoteMcpPeers {
  let probeAgent: Agent | undefined;
  return {
    listTools: (endpoint) => listRemoteTools(config, endpoint),
    relay: (endpoint, method, params, wire) => relayRemoteRequest(config, endpoint, method, params, wire),
    listHostedTools: (target) => listHostedTools(config, target),
    readRegistry: mcpRegistryReader(config),
    resourceWatches: standingSessions(config, logger),

    async asksForOAuth(url) {
      probeAgent ??= createUpstreamAgent(config);
      try {
        const { status, challenge } = await probeChallenge(discoveryHttp(config, probeAgent, url, config.remoteMcp.probeTimeoutMs), url);
        return status === 401 && challenge !== undefined;
      } catch {
        return false;
      }
    },

    async checkEgress(url) {
      try {
        checkUrl(config.egress, url);
        const host = url.hostname.replace(/^\[|\]$/g, '');
        if (!isIP(host)) {
          const addresses = await lookup(host, { all: true }).catch(() => []);
          for (const { address } of addresses) checkAddress(config.egress, host, address);
        }
      } catch (error) {
        if (error instanceof EgressRefusedError) {
          throw new InvalidRequestError(`${error.message}. Set EGRESS_ALLOW_HOSTS or EGRESS_ALLOW_PRIVATE to allow it.`, {
            field: 'url',
            ...error.details,
          });
        }
        throw error;
      }
    },
  };
}
