import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp, toolError } from '../support/mcp.js';
import { startMcpRegistry, type McpRegistryServer } from '../support/mcpRegistry.js';
import { startProtectedMcpServer, type ProtectedMcpServer } from '../support/protectedMcpServer.js';
import { startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

const structured = (result: unknown) => (result as { structuredContent?: unknown }).structuredContent as any;

/**
 * The MCP registry through its real path: our own registry on 127.0.0.1 (test/support/mcpRegistry.ts)
 * → GET /api/registry/servers and POST /api/registry/install (and the admin MCP tools) → a connector
 * an agent calls over MCP. The npm entry here is a made-up package, not run: its connector's
 * definition (npx -y <identifier>@<version>, env sealed) is asserted, and its refusal where the
 * deployment gives hosted servers no network. hosted-npx.test.ts runs a real one from npm.
 */
describe('MCP registry', () => {
  let app: TestApp;
  let offline: TestApp;
  let registry: McpRegistryServer;
  let remote: RemoteMcpServer;
  let protectedRemote: ProtectedMcpServer;
  let agent: Client;
  let admin: Client;
  let serverId: string;
  const weatherKey = 'weather-secret-value-0123456789';
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  beforeAll(async () => {
    [remote, protectedRemote] = await Promise.all([startRemoteMcpServer(), startProtectedMcpServer({ registration: 'dcr' })]);
    registry = await startMcpRegistry([
      {
        name: 'io.example/remote-tools',
        title: 'Remote Tools',
        description: 'A remote server that wants an API key header',
        version: '2.0.0',
        remotes: [
          { type: 'streamable-http', url: remote.url, headers: [{ name: 'x-api-key', description: 'Your key', isRequired: true, isSecret: true }] },
          { type: 'sse', url: `${remote.url}/sse` },
        ],
        repository: { url: 'https://example.com/remote-tools', source: 'github' },
      },
      { name: 'io.example/signed-in', description: 'Behind OAuth', version: '1.0.0', remotes: [{ type: 'streamable-http', url: protectedRemote.url }] },
      {
        name: 'io.example/weather',
        description: 'Weather over stdio',
        version: '1.2.3',
        packages: [
          {
            registryType: 'npm',
            identifier: '@example/weather-mcp',
            version: '1.2.3',
            transport: { type: 'stdio' },
            environmentVariables: [
              { name: 'WEATHER_API_KEY', isRequired: true, isSecret: true },
              { name: 'LOG_LEVEL', default: 'info' },
            ],
            packageArguments: [{ type: 'named', name: '--units', default: 'metric' }],
          },
          { registryType: 'pypi', identifier: 'weather-mcp', version: '1.2.3', transport: { type: 'stdio' } },
        ],
      },
      { name: 'io.example/broken', description: 'No version' },
    ]);
    const env = { MCP_REGISTRY_URL: `${registry.url}/`, RATE_LIMIT_PER_MINUTE: '1000' };
    [app, offline] = await Promise.all([
      startTestApp({ env: { ...env, HOSTED_MCP_ALLOW_NETWORK: 'true' } }),
      startTestApp({ env }),
    ]);
    const server = await call('POST', '/api/servers', { name: 'registry agent' });
    serverId = server.body.serverId;
    agent = await connectMcp(server.body.accessUrl);
    admin = await connectMcp((await call('POST', '/api/servers', { name: 'registry admin', admin: true })).body.accessUrl);
  });
  afterAll(async () => {
    await Promise.all([agent?.close(), admin?.close()]);
    await Promise.all([app?.close(), offline?.close()]);
    await Promise.all([registry?.close(), remote?.close(), protectedRemote?.close()]);
  });

  it('searches and pages the registry, skipping and naming an entry that does not fit server.json', async () => {
    const first = await call('GET', '/api/registry/servers?search=io.example&limit=2');
    expect(first.status).toBe(200);
    expect(registry.listQueries.at(-1)?.get('search')).toBe('io.example');
    expect(first.body.servers.map((server: { name: string }) => server.name)).toEqual(['io.example/remote-tools', 'io.example/signed-in']);
    expect(first.body.servers[0].remotes).toEqual([
      { type: 'streamable-http', url: remote.url, headers: [{ name: 'x-api-key', description: 'Your key', isRequired: true, isSecret: true }], installable: true },
      expect.objectContaining({ type: 'sse', installable: false, reason: expect.stringContaining('only streamable-http') }),
    ]);
    expect(first.body.nextCursor).toBe('2');

    const second = await call('GET', `/api/registry/servers?search=io.example&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.servers.map((server: { name: string }) => server.name)).toEqual(['io.example/weather']);
    expect(second.body.skipped).toEqual([{ name: 'io.example/broken', problem: expect.stringContaining('version') }]);
    expect(second.body.servers[0].packages.map((pkg: { installable: boolean }) => pkg.installable)).toEqual([true, false]);
    expect(second.body.nextCursor).toBeUndefined();

    const offlineSearch = await api(offline.apiUrl, offline.apiKey, 'GET', '/api/registry/servers?search=weather');
    expect(offlineSearch.body.servers[0].packages[0]).toMatchObject({ installable: false, reason: expect.stringContaining('HOSTED_MCP_ALLOW_NETWORK') });

    const viaTool = structured(await admin.callTool({ name: 'search_registry', arguments: { search: 'signed' } }));
    expect(viaTool.servers.map((server: { name: string }) => server.name)).toEqual(['io.example/signed-in']);
    expect((await call('GET', '/api/registry/servers?limit=1000')).status).toBe(400);
  });

  it('installs a remote entry as a simple connector with its declared header, which an agent then calls', async () => {
    const missing = await call('POST', '/api/registry/install', { name: 'io.example/remote-tools', version: '2.0.0', remoteUrl: remote.url });
    expect([missing.status, missing.body.error.code, missing.body.error.details.missing]).toEqual([400, 'INVALID_REQUEST', ['x-api-key']]);
    const sse = await call('POST', '/api/registry/install', { name: 'io.example/remote-tools', version: '2.0.0', remoteUrl: `${remote.url}/sse` });
    expect(sse.status).toBe(400);
    const noSuchVersion = await call('POST', '/api/registry/install', { name: 'io.example/remote-tools', version: '9.9.9', remoteUrl: remote.url });
    expect([noSuchVersion.status, noSuchVersion.body.error.code]).toEqual([404, 'NOT_FOUND']);

    const installed = await call('POST', '/api/registry/install', {
      name: 'io.example/remote-tools',
      version: '2.0.0',
      remoteUrl: remote.url,
      values: { 'x-api-key': remote.apiKey },
    });
    expect(installed.status).toBe(201);
    expect(installed.body).toMatchObject({ connectorId: 'mcp-remote-tools', name: 'Remote Tools', type: 'simple' });
    expect(JSON.stringify(installed.body)).not.toContain(remote.apiKey);

    expect((await call('POST', `/api/servers/${serverId}/connectors`, { mcpConnectorId: installed.body.id })).status).toBe(200);
    const whoami = await agent.callTool({ name: 'execute_action', arguments: { connectorId: 'mcp-remote-tools', actionId: 'whoami', parameters: {} } });
    expect(structured(whoami)).toMatchObject({ status: 200, result: { user: 'tester' } });
    expect(remote.requests.some((headers) => headers['x-api-key'] === remote.apiKey)).toBe(true);
  });

  it('installs a remote entry behind OAuth as an oauth connector (the existing probe)', async () => {
    const installed = await call('POST', '/api/registry/install', { name: 'io.example/signed-in', version: '1.0.0', remoteUrl: protectedRemote.url, connectorName: 'Signed In' });
    expect(installed.status).toBe(201);
    expect(installed.body).toMatchObject({ type: 'oauth', url: expect.any(String), connectorId: 'mcp-signed-in' });
  });

  it('installs an npm package as a hosted stdio connector run by npx, env sealed; refuses it without the network', async () => {
    const weather = { name: 'io.example/weather', version: '1.2.3', packageIdentifier: '@example/weather-mcp' };
    const missing = toolError(await admin.callTool({ name: 'install_from_registry', arguments: weather }));
    expect(missing).toMatchObject({ code: 'INVALID_REQUEST', details: { missing: ['WEATHER_API_KEY'] } });
    const pypi = await call('POST', '/api/registry/install', { ...weather, packageIdentifier: 'weather-mcp' });
    expect([pypi.status, pypi.body.error.message]).toEqual([400, expect.stringContaining('only npm')]);

    const installed = structured(await admin.callTool({ name: 'install_from_registry', arguments: { ...weather, values: { WEATHER_API_KEY: weatherKey } } }));
    expect(installed).toMatchObject({
      type: 'stdio',
      connectorId: 'mcp-weather',
      stdio: { command: 'npx', args: ['-y', '@example/weather-mcp@1.2.3', '--units', 'metric'], network: true, env: { LOG_LEVEL: expect.any(String) } },
    });
    expect(JSON.stringify(installed)).not.toContain(weatherKey);
    const rows = await sql<{ row: string }>`select row_to_json(mcp_connectors)::text as row from mcp_connectors`.execute(app.database.db);
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const { row } of rows.rows) expect(row).not.toContain(weatherKey);

    const refused = await api(offline.apiUrl, offline.apiKey, 'POST', '/api/registry/install', { ...weather, values: { WEATHER_API_KEY: weatherKey } });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', details: { setting: 'HOSTED_MCP_ALLOW_NETWORK', reason: 'network-required' } });
    expect(JSON.stringify(refused.body)).not.toContain(weatherKey);
  });
});
