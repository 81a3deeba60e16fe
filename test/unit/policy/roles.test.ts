import { describe, expect, it } from 'vitest';
import { mcpCallerRole, type McpCaller } from '../../../src/policy/roles.js';

const adminServer = { admin: true, ownerUserId: 'owner' };
const plainServer = { admin: false, ownerUserId: 'owner' };
const caller = (overrides: Partial<McpCaller>): McpCaller => ({ via: 'serverToken', server: adminServer, userId: 'owner', userToken: false, ...overrides });

/** docs/security.md, Roles → MCP callers: each row of the table. */
describe('mcpCallerRole', () => {
  it('keeps an API key its own role, on any server and with a user token', () => {
    for (const keyRole of ['admin', 'operator', 'user'] as const) {
      expect(mcpCallerRole(caller({ via: 'apiKey', keyRole }))).toBe(keyRole);
      expect(mcpCallerRole(caller({ via: 'apiKey', keyRole, server: plainServer, userToken: true, userId: 'someone' }))).toBe(keyRole);
    }
  });

  it("makes an admin server's access URL an administrator only while it acts as the owner", () => {
    expect(mcpCallerRole(caller({}))).toBe('admin');
    expect(mcpCallerRole(caller({ userToken: true }))).toBe('user');
    expect(mcpCallerRole(caller({ userToken: true, userId: 'end-user' }))).toBe('user');
    expect(mcpCallerRole(caller({ userId: 'named-by-x-user-id' }))).toBe('user');
  });

  it('gives any other access URL and every signed-in person the user role', () => {
    expect(mcpCallerRole(caller({ server: plainServer }))).toBe('user');
    expect(mcpCallerRole(caller({ via: 'signIn' }))).toBe('user');
    expect(mcpCallerRole(caller({ via: 'signIn', server: plainServer }))).toBe('user');
  });
});
