import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectMcp } from '../support/mcp.js';
import { logLines, npmStart, portsForInstall, printed, startSlowInventory } from '../support/npmStart.js';
import type { SpawnedSwitchboard } from '../support/process.js';

/** Every line the app wrote besides the banner is one JSON object, and none is a warning or an error. */
function expectQuietJsonLogs(output: string) {
  const lines = logLines(output);
  const notJson = lines.filter((line) => {
    try {
      return typeof JSON.parse(line) !== 'object';
    } catch {
      return true;
    }
  });
  expect(notJson, output).toEqual([]);
  const loud = lines.map((line) => JSON.parse(line) as { level: number }).filter((line) => line.level >= 40);
  expect(loud).toEqual([]);
}

/**
 * The first hour, as README tells it: `npm start` with nothing configured prints a working MCP
 * URL (and the lines that connect Claude Code, Cursor and the Inspector to it); an MCP client
 * given that URL lists the tools and calls one. Later starts print the same URL. Ctrl-C with a
 * call in flight exits by itself without a warning, and the call completes after the restart.
 * The time Ctrl-C takes is measured in test/faults/ctrl-c.test.ts.
 */
describe('first run: npm start, copy the printed URL, use it', () => {
  let dataDir: string;
  let ports: Record<string, string>;
  let app: SpawnedSwitchboard | undefined;
  let mcpUrl: string;
  let apiKey: string;
  let inventory: Awaited<ReturnType<typeof startSlowInventory>>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-first-run-'));
    ports = await portsForInstall();
    inventory = await startSlowInventory();
  });
  afterAll(async () => {
    await app?.ctrlC();
    await inventory?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('the first start prints a working MCP URL; the SDK client lists the tools and calls one', async () => {
    app = await npmStart(dataDir, ports);
    const shown = printed(app.output());
    expect(shown.mcpUrl).toMatch(new RegExp(`^${app.url}/mcp/default-server-[0-9a-f]{8}/mcp_[\\w-]+$`));
    mcpUrl = shown.mcpUrl!;
    apiKey = shown.apiKey!;
    expect(apiKey).toMatch(/^sk_/);
    expect(shown.claudeCode).toBe(`claude mcp add --transport http switchboard ${mcpUrl}`);
    expect(shown.cursor).toBe(`in ~/.cursor/mcp.json: {"mcpServers": {"switchboard": {"url": "${mcpUrl}"}}}`);
    expect(shown.inspector).toBe(`npx @modelcontextprotocol/inspector@0.15.0 --cli ${mcpUrl}/mcp --method tools/list`);

    const client = await connectMcp(mcpUrl);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['list_connectors', 'execute_action', 'get_action_details']));
    const listed = await client.callTool({ name: 'list_connectors', arguments: {} }, CallToolResultSchema);
    expect(listed.isError).toBeFalsy();
    expect((listed.structuredContent as { count: number }).count).toBeGreaterThan(100);
    // The Inspector's form of the URL reaches the same server.
    const inspectorForm = await connectMcp(`${mcpUrl}/mcp`);
    expect((await inspectorForm.listTools()).tools).toHaveLength(tools.length);
    await Promise.all([client.close(), inspectorForm.close()]);

    await app.ctrlC();
    expect(app.child.exitCode, app.output()).toBe(0);
    expectQuietJsonLogs(app.output());
  }, 240_000);

  it('a later start prints the same URL; Ctrl-C with a call in flight exits cleanly and the call completes after the restart', async () => {
    // README's "Add your own API": the upstream lives on this machine, so the start allows its host.
    const env = { EGRESS_ALLOW_HOSTS: '127.0.0.1' };
    app = await npmStart(dataDir, ports, env);
    expect(printed(app.output()).mcpUrl).toBe(mcpUrl);
    expect(printed(app.output()).apiKey).toBeUndefined();
    const rest = (method: string, path: string, body?: unknown) => api(app!.url, apiKey, method, path, body);
    expect((await rest('POST', '/api/connectors/import', { document: inventory.document, id: 'inventory', baseUrl: inventory.url })).status).toBe(201);

    inventory.state.delayMs = 30_000;
    const client = await connectMcp(mcpUrl);
    const call = client
      .callTool({ name: 'execute_action', arguments: { connectorId: 'inventory', actionId: 'getWidget', parameters: { id: 'w1' } } }, CallToolResultSchema, { timeout: 120_000 })
      .catch((error: unknown) => error);
    await expect.poll(() => inventory.state.requests, { timeout: 30_000 }).toBe(1);
    await app.ctrlC();
    expect(app.child.exitCode, app.output()).toBe(0);
    expectQuietJsonLogs(app.output());
    // The client's request went with the process (the SDK client notices only at its time-out or on close); the run did not.
    await client.close();
    expect(await call).toBeInstanceOf(Error);

    inventory.state.delayMs = 0;
    app = await npmStart(dataDir, ports, env);
    const runs = async () => (await rest('GET', '/api/runs?connectorId=inventory')).body.runs as Array<{ status: string }>;
    // Once a second: the API's rate limit (100 a minute) counts these too.
    await expect.poll(async () => (await runs()).map((run) => run.status), { timeout: 90_000, interval: 1_000 }).toEqual(['succeeded']);
    expect(inventory.state.requests).toBe(2);
    await app.ctrlC();
    expect(app.child.exitCode, app.output()).toBe(0);
    expectQuietJsonLogs(app.output());
    // The dev server went with it: its pid file is removed only once it has exited.
    expect(existsSync(join(dataDir, 'temporal-dev-server.pid'))).toBe(false);
  }, 480_000);
});
