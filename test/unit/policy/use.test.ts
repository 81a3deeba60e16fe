import { describe, expect, it } from 'vitest';
import { authorizeUse, mayUse, refusalOfUse, type ServerGrant } from '../../../src/policy/use.js';

const open: ServerGrant = { restrictions: {}, assignedConnectorIds: undefined };
const alice = { userId: 'alice' };

describe('authorizeUse: the one rule for every door', () => {
  it('lets anyone use an unrestricted server without assignments, except remote MCP connectors', () => {
    expect(mayUse(alice, open, 'slack', ['chat_postMessage'])).toBe(true);
    expect(refusalOfUse(alice, open, 'mcp-remote-tools', [])).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('not assigned') });
  });

  it('offers only the assigned connectors once a server has assignments', () => {
    const assigned: ServerGrant = { restrictions: {}, assignedConnectorIds: new Set(['slack', 'mcp-remote-tools']) };
    expect(mayUse(alice, assigned, 'slack')).toBe(true);
    expect(mayUse(alice, assigned, 'mcp-remote-tools')).toBe(true);
    expect(() => authorizeUse(alice, assigned, 'github', ['issues_create'])).toThrow(expect.objectContaining({ code: 'FORBIDDEN', details: { connectorId: 'github' } }));
  });

  it('refuses users, connectors and actions the restrictions exclude, naming what was refused', () => {
    const restricted: ServerGrant = {
      restrictions: {
        users: { mode: 'blocklist', ids: ['mallory'] },
        connectors: { mode: 'allowlist', ids: ['slack', 'github'] },
        actions: { mode: 'blocklist', ids: ['slack:chat_postMessage'] },
      },
      assignedConnectorIds: undefined,
    };
    expect(refusalOfUse({ userId: 'mallory' }, restricted, 'slack', [])).toMatchObject({ code: 'FORBIDDEN', details: { userId: 'mallory' } });
    expect(refusalOfUse(alice, restricted, 'hubspot', [])).toMatchObject({ details: { connectorId: 'hubspot' } });
    // A plan is refused by any one of its actions.
    expect(refusalOfUse(alice, restricted, 'slack', ['conversations_list', 'chat_postMessage'])).toMatchObject({
      details: { connectorId: 'slack', actionId: 'chat_postMessage' },
    });
    expect(mayUse(alice, restricted, 'slack', ['conversations_list'])).toBe(true);
  });
});
