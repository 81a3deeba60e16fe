import { describe, expect, it } from 'vitest';
import { MAX_TOOL_NAME_LENGTH, nameTools, validToolName } from '../../../src/servers/toolNames.js';

const catalogue = (connectorId: string, actionId: string) => ({ key: `${connectorId}:${actionId}`, preferred: `${connectorId}_${actionId}`, qualified: `${connectorId}_${actionId}` });
const remote = (connectorId: string, tool: string) => ({ key: `${connectorId}:${tool}`, preferred: tool, qualified: `${connectorId}_${tool}` });

describe('tool names of a tools-mode server', () => {
  it('keeps preferred names that are unique, and prefixes remote tools only where they collide', () => {
    const named = nameTools([catalogue('slack', 'chat_postMessage'), remote('mcp-a', 'echo'), remote('mcp-b', 'echo'), remote('mcp-a', 'media')]);
    expect(named.map((tool) => tool.name)).toEqual(['mcp-a_echo', 'mcp-b_echo', 'media', 'slack_chat_postMessage']);
  });

  it('sets apart names still equal after qualifying with a stable digest of each key, whatever the order', () => {
    // "a_b" + "c" and "a" + "b_c" both want a_b_c.
    const candidates = [catalogue('a_b', 'c'), catalogue('a', 'b_c')];
    const forward = nameTools(candidates).map((tool) => [tool.key, tool.name]);
    const backward = nameTools([...candidates].reverse()).map((tool) => [tool.key, tool.name]);
    expect(forward).toEqual(backward);
    expect(forward.map(([, name]) => name)).toEqual([expect.stringMatching(/^a_b_c_[0-9a-f]{8}$/), expect.stringMatching(/^a_b_c_[0-9a-f]{8}$/)]);
    expect(new Set(forward.map(([, name]) => name)).size).toBe(2);
  });

  it('makes every name valid for MCP: characters replaced, long names cut with a digest', () => {
    expect(validToolName('my tool/with:odd chars', 'k')).toBe('my_tool_with_odd_chars');
    const long = validToolName('x'.repeat(300), 'k1');
    expect(long).toHaveLength(MAX_TOOL_NAME_LENGTH);
    expect(long).not.toBe(validToolName('x'.repeat(300), 'k2'));
    expect(long).toMatch(/^[A-Za-z0-9_.-]{1,128}$/);
  });
});
