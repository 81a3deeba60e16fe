import type { TemporalHandle } from '../durable/starters/temporal.js';
import type { Config } from '../app/config.js';
import type { Db } from '../db/connect.js';
import type { Logger } from '../app/logger.js';
import type { Role } from '../policy/roles.js';
import type { SecretBox } from '../secrets/secretBox.js';
import type { SigninService } from './signin/provider.js';

/** Everything a route or MCP tool handler may use. Built once in src/app/start.ts. */
export interface ApiDependencies {
  config: Config;
  /** PUBLIC_URL, or the address this process is bound to. */
  publicUrl: string;
  db: Db;
  secretBox: SecretBox;
  temporal: TemporalHandle;
  logger: Logger;
  /** The authorization server MCP clients sign in with (src/http/signin). */
  signin?: SigninService;
}

/**
 * Who is calling, resolved by the auth middleware before any route runs. Routes and tools
 * scope every read and write to accountId (and userId for per-user data such as credentials).
 */
export interface AuthContext {
  accountId: string;
  userId: string;
  /** What the caller may do; checked by every route through src/policy/roles.ts. */
  role: Role;
  /** signIn: an access token from our authorization server (src/http/signin). */
  via: 'apiKey' | 'serverToken' | 'signIn';
  apiKeyId?: string;
  /** Set on MCP requests: the server (our unit of "agent") the call came through. */
  serverId?: string;
  /** A credential the client pinned with x-credential-id. */
  credentialId?: string;
  /** Where create_credential should send the user after OAuth (x-redirect-uri). */
  redirectUri?: string;
  /** The peer's address, for the audit log. */
  clientAddress?: string;
}

declare module 'koa' {
  interface DefaultState {
    auth?: AuthContext;
    jsonBody?: unknown;
  }
}
