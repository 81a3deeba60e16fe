import { ForbiddenError } from '../errors.js';

/**
 * Who a caller is allowed to be. Ordered from least to most trusted: each role may do everything
 * the roles before it may.
 * - user: acts as one end user (an x-user-token, or a key created with role "user"): its own
 *   credentials and runs, and catalogue reads.
 * - operator: runs and credentials of any user of the account, and read-only settings.
 * - admin: everything, including keys, user tokens, connectors, settings, OAuth apps, variables,
 *   remote MCP connectors, servers and assignments. Account API keys are admins by default.
 */
export const ROLES = ['user', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  accountId: string;
  /** The user the request acts as. */
  userId: string;
  role: Role;
}

export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** The one check every management route makes before it reads its input. */
export function requireRole(caller: Pick<Caller, 'role'>, required: Role): void {
  if (!roleAtLeast(caller.role, required)) {
    throw new ForbiddenError(`This needs the ${required} role; the caller is a ${caller.role}`, { requiredRole: required, role: caller.role });
  }
}

/** Operators and admins act for any user of the account; a user only for itself. */
export function mayActForAnyUser(caller: Pick<Caller, 'role'>): boolean {
  return roleAtLeast(caller.role, 'operator');
}

/**
 * The user a request acts as when it names one (x-user-id, a query's userId): refused for a
 * user-role caller naming anyone but itself, since naming a user is how one reads their data.
 */
export function actingUser(caller: Pick<Caller, 'role' | 'userId'>, requested: string | undefined): string {
  if (requested === undefined || requested === caller.userId) return caller.userId;
  if (!mayActForAnyUser(caller)) {
    throw new ForbiddenError('A user may act only as itself', { userId: requested });
  }
  return requested;
}

/** How an MCP request authenticated, as far as its role goes (docs/security.md: Roles, MCP callers). */
export interface McpCaller {
  via: 'apiKey' | 'serverToken' | 'signIn';
  /** The API key's role, for via apiKey. */
  keyRole?: Role;
  server: { admin: boolean; ownerUserId: string };
  /** The user the request acts as, after x-user-token and x-user-id. */
  userId: string;
  /** Whether an x-user-token named the user. */
  userToken: boolean;
}

/**
 * The one mapping from an MCP caller to a role. An API key keeps its own role. A server's access
 * URL is the user role, except on an admin server, whose URL an administrator handed out to act
 * for them: there it is the admin role, as long as it acts as the owner (no x-user-token, no
 * x-user-id naming another user), since a URL shared with end users must not make them admins.
 * A signed-in person is a user.
 */
export function mcpCallerRole(caller: McpCaller): Role {
  if (caller.via === 'apiKey') return caller.keyRole ?? 'user';
  const actsAsOwner = !caller.userToken && caller.userId === caller.server.ownerUserId;
  return caller.via === 'serverToken' && caller.server.admin && actsAsOwner ? 'admin' : 'user';
}
