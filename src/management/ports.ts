import type { RemoteMcpDependencies } from '../remoteMcp/ports.js';

/**
 * What management's use cases set off outside the domain: durable work. Implemented in
 * src/starters/throttle.ts, wired in src/app/start.ts.
 */
export interface ManagementPorts {
  /** After a rate-limit change: the connector's throttle schedules restart and its waiting runs wake. */
  rateLimitChanged(accountId: string, connectorId: string): Promise<void>;
}

export interface ManagementDependencies extends RemoteMcpDependencies {
  management: ManagementPorts;
}
