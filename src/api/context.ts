import type { TemporalHandle } from '../starters/temporal.js';
import type { OAuthFlows } from '../credentials/ports.js';
import type { ManagementPorts } from '../management/ports.js';
import type { RemoteMcpPeers } from '../remoteMcp/ports.js';
import type { AuthContext } from '../policy/caller.js';
import type { Config } from '../config.js';
import type { Db } from '../db/connect.js';
import type { Logger } from '../observability/logger.js';
import type { SecretBox } from '../secrets/secretBox.js';
import type { SigninService } from './signin/provider.js';

/** Everything a route or MCP tool handler may use. Built once in src/app/start.ts. */
export interface ApiDependencies {
  config: Config;
  /** PUBLIC_URL, or the address this process is bound to. */
  publicUrl: string;
  db: Db;
  /** For the front door's rate-limit tokens only (DatabaseHandle.asyncCommitDb); db when not given. */
  asyncCommitDb?: Db;
  secretBox: SecretBox;
  temporal: TemporalHandle;
  logger: Logger;
  oauthFlows: OAuthFlows;
  management: ManagementPorts;
  /** Calls out to remote MCP servers: tool listings, OAuth probes, the egress check of a registered URL. */
  remoteMcp: RemoteMcpPeers;
  /** Aborted when the process begins to stop: what waits for a client that left gives up. */
  stopping?: AbortSignal;
  /** The authorization server MCP clients sign in with (src/api/signin). */
  signin?: SigninService;
}

declare module 'koa' {
  interface DefaultState {
    auth?: AuthContext;
    jsonBody?: unknown;
  }
}
