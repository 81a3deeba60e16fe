import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp, executeAction } from '../support/mcp.js';
import { startMcpRegistry, type McpRegistryServer } from '../support/mcpRegistry.js';

/**
 * A real MCP server published on npm, installed through the registry path (our registry on
 * 127.0.0.1 lists it as an npm package) and run by `npx -y` inside the sandbox, which gets the
 * network through slirp4netns to download it. Needs the npm registry (registry.npmjs.org) to be
 * reachable from this machine: where it is not, the test is skipped and says why.
 */
const PACKAGE = '@modelcontextprotocol/server-everything';

function publishedVersion(): string | undefined {
  try {
    return execFileSync('npm', ['view', PACKAGE, 'version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
const version = publishedVersion();
if (!version) console.warn(`hosted-npx: skipped, the npm registry does not answer for ${PACKAGE} from this machine`);

describe.skipIf(!version)('a published npm MCP server run by npx in the sandbox', () => {
  let app: TestApp;
  let registry: McpRegistryServer;
  let agent: Client;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  beforeAll(async () => {
    registry = await startMcpRegistry([
      {
        name: 'io.github.modelcontextprotocol/everything',
        title: 'Everything',
        description: 'The MCP reference test server',
        version: version!,
        packages: [{ registryType: 'npm', identifier: PACKAGE, version: version!, transport: { type: 'stdio' } }],
      },
    ]);
    // npx downloads the package and its dependencies when the process first starts: minutes, not seconds, on a slow link.
    app = await startTestApp({
      env: { MCP_REGISTRY_URL: registry.url, HOSTED_MCP_ALLOW_NETWORK: 'true', REMOTE_MCP_TIMEOUT_MS: '120000', UPSTREAM_TOTAL_TIMEOUT_MS: '120000' },
    });
    const server = await call('POST', '/api/servers', { name: 'npx agent' });
    agent = await connectMcp(server.body.accessUrl);
    const installed = await call('POST', '/api/registry/install', { name: 'io.github.modelcontextprotocol/everything', version, packageIdentifier: PACKAGE });
    expect(installed.status).toBe(201);
    expect(installed.body).toMatchObject({ type: 'stdio', connectorId: 'mcp-everything', stdio: { command: 'npx', args: ['-y', `${PACKAGE}@${version}`], network: true } });
    expect((await call('POST', `/api/servers/${server.body.serverId}/connectors`, { mcpConnectorId: installed.body.id })).status).toBe(200);
  }, 300_000);
  afterAll(async () => {
    await agent?.close();
    await app?.close();
    await registry?.close();
  });

  it('downloads it with npx inside the sandbox, lists its tools and calls one through MCP, durably', async () => {
    const tested = await call('POST', '/api/mcp-connectors/test', { connectorId: 'mcp-everything' });
    expect(tested.body).toMatchObject({ ok: true, toolsets: [{ name: 'Everything', tools: expect.arrayContaining(['echo']) }] });
    const echoed = await executeAction(agent, { connectorId: 'mcp-everything', actionId: 'echo', parameters: { message: 'hello from the sandbox' } });
    expect(echoed.workflowId).toEqual(expect.any(String));
    expect(JSON.stringify(echoed.data)).toContain('hello from the sandbox');
  }, 300_000);
});
