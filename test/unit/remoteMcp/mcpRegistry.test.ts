import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { installFromRegistryInput, registryConnectorInput, searchRegistry } from '../../../src/remoteMcp/mcpRegistry.js';

/**
 * What the registry's answers become, with the registry read replaced by canned JSON: the HTTP
 * path (egress, bounds) is tested against a real registry on 127.0.0.1 in
 * test/integration/mcp-registry.test.ts.
 */
const config = (network: boolean) => loadConfig({ HOSTED_MCP_ALLOW_NETWORK: String(network), MCP_REGISTRY_URL: 'https://registry.example.com/' });
const serving = (answer: unknown, network = true) => ({
  config: config(network),
  remoteMcp: { readRegistry: async () => answer, asksForOAuth: async () => false },
});

describe('MCP registry', () => {
  it('reads MCP_REGISTRY_URL once, without its trailing slash, defaulting to the official registry', () => {
    expect(config(false).mcpRegistry.url).toBe('https://registry.example.com');
    expect(loadConfig({}).mcpRegistry.url).toBe('https://registry.modelcontextprotocol.io');
    expect(() => loadConfig({ MCP_REGISTRY_URL: 'ftp://registry.example.com' })).toThrow();
  });

  it('keeps entries that fit server.json (unknown fields tolerated) and names the ones skipped', async () => {
    const page = await searchRegistry(
      serving({
        servers: [
          { server: { name: 'a/one', version: '1.0.0', extra: { anything: true }, remotes: [{ type: 'streamable-http', url: 'https://one.example/mcp', headers: [{ name: 'X-Key', isRequired: true, isSecret: true, format: 'string' }] }] } },
          { name: 'a/bare', version: '2.0.0' },
          { server: { name: 'a/bad', version: 3 } },
          { server: 'not an object' },
        ],
        metadata: { nextCursor: 'next' },
      }),
      { limit: 30 },
    );
    expect(page.servers.map((server) => server.name)).toEqual(['a/one', 'a/bare']);
    expect(page.servers[0]!.remotes[0]!.headers).toEqual([{ name: 'X-Key', isRequired: true, isSecret: true }]);
    expect(page.skipped).toEqual([{ name: 'a/bad', problem: expect.stringContaining('version') }, { problem: expect.any(String) }]);
    expect(page.nextCursor).toBe('next');
    await expect(searchRegistry(serving({ items: [] }), { limit: 30 })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('builds npx with the pinned package, its arguments and the declared env (defaults filled, unknown names refused)', async () => {
    const entry = {
      server: {
        name: 'a/pkg',
        version: '1.0.0',
        packages: [
          {
            registryType: 'npm',
            identifier: 'pkg-mcp',
            transport: { type: 'stdio' },
            environmentVariables: [
              { name: 'TOKEN', isRequired: true, isSecret: true, default: 'Bearer {token}' },
              { name: 'MODE', default: 'fast' },
              { name: 'OPTIONAL' },
            ],
            packageArguments: [{ type: 'positional', value: 'serve' }, { type: 'named', name: '--port', default: '0' }, { type: 'named', name: '--skipped' }],
          },
        ],
      },
    };
    const request = (values: Record<string, string>) => installFromRegistryInput.parse({ name: 'a/pkg', version: '1.0.0', packageIdentifier: 'pkg-mcp', values });
    expect(await registryConnectorInput(serving(entry), request({ TOKEN: '{{token}}' }))).toMatchObject({
      name: 'pkg',
      type: 'stdio',
      command: 'npx',
      args: ['-y', 'pkg-mcp@1.0.0', 'serve', '--port', '0'],
      env: { TOKEN: '{{token}}', MODE: 'fast' },
      network: true,
    });
    await expect(registryConnectorInput(serving(entry), request({}))).rejects.toMatchObject({ details: { missing: ['TOKEN'] } });
    await expect(registryConnectorInput(serving(entry), request({ TOKEN: 'x', OTHER: 'y' }))).rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { unknown: ['OTHER'] } });
    await expect(registryConnectorInput(serving(entry, false), request({ TOKEN: 'x' }))).rejects.toMatchObject({ code: 'FORBIDDEN', details: { setting: 'HOSTED_MCP_ALLOW_NETWORK' } });
  });

  it('asks for exactly one of remoteUrl and packageIdentifier', () => {
    expect(installFromRegistryInput.safeParse({ name: 'a', version: '1' }).success).toBe(false);
    expect(installFromRegistryInput.safeParse({ name: 'a', version: '1', remoteUrl: 'https://x', packageIdentifier: 'p' }).success).toBe(false);
  });
});
