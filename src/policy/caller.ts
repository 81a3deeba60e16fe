import type { Role } from './roles.js';

/**
 * Who is calling, resolved by the auth middleware before any route runs. Routes and tools
 * scope every read and write to accountId (and userId for per-user data such as credentials).
 */
export interface AuthContext {
  accountId: string;
  userId: string;
  /** What the caller may do; checked by every route through src/policy/roles.ts. */
  role: Role;
  /** signIn: an access token from our authorization server (src/api/signin). */
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
