import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/connect.js';
import { TEST_API_KEY, TEST_ENCRYPTION_KEY } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { api, connectMcp, toolError } from '../support/mcp.js';
import { spawnSwitchboard, type SpawnedSwitchboard } from '../support/process.js';

/**
 * The reads (list_connectors, get_action_details) keep an account's connector rows per process
 * by the account's connectors version, which the front door's one statement reads
 * (src/connectors/accountRows.ts). Two API processes on one database: what one changes, or what is
 * changed straight in the database, the other sees on its next request, and a read it has kept
 * costs only the front door's statement.
 */
describe("the account's connector rows kept per process, across processes", () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let reader: SpawnedSwitchboard;
  let writer: SpawnedSwitchboard;
  let client: McpClient;
  let serverId: string;

  const change = (method: string, path: string, body?: unknown) => api(writer.url, TEST_API_KEY, method, path, body);
  const statements = async () => Number(/^switchboard_database_statements_total (\d+)$/m.exec(await (await fetch(`${reader.url}/metrics`)).text())![1]);
  const details = (connectorId: string, actionId: string) => client.callTool({ name: 'get_action_details', arguments: { connectorId, actionId } });
  const listed = async (category: string) => {
    const result = await client.callTool({ name: 'list_connectors', arguments: { category } });
    expect(result.isError).toBeFalsy();
    return (result.structuredContent as { connectors: Array<{ id: string }> }).connectors.map((connector) => connector.id);
  };
  const customDefinition = (actionIds: string[]) => ({
    id: 'acme-tracker',
    name: 'Acme Tracker',
    baseUrl: 'https://acme.example.net',
    authMethods: [{ type: 'bearer' }],
    resources: [{ id: 'issues', name: 'Issues' }],
    actions: actionIds.map((id) => ({ id, resource: 'issues', title: id, description: id, method: 'GET', path: `/${id}`, parameters: [], response: {} })),
  });

  beforeAll(async () => {
    database = await createTestDatabase('postgres', { template: inject('databaseTemplate') });
    const env = {
      ...database.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `connector-rows-${Math.random().toString(36).slice(2, 10)}`,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      BOOTSTRAP_API_KEY: TEST_API_KEY,
      RATE_LIMIT_PER_MINUTE: '1000000',
      STATE_CLEANUP_INTERVAL_SECONDS: '86400',
    };
    [reader, writer] = await Promise.all([spawnSwitchboard('api', env), spawnSwitchboard('api', env)]);
    handle = await openDatabase(loadConfig({ ...env, PORT: '0' }).database);
    const created = (await change('POST', '/api/servers', { name: 'reads' })).body;
    serverId = created.serverId;
    // The access URL names the server and its token; the reader answers at the same path.
    client = await connectMcp(`${reader.url}${new URL(created.accessUrl).pathname}`);
  }, 180_000);

  afterAll(async () => {
    await client?.close();
    await Promise.all([reader?.stop(), writer?.stop()]);
    await handle?.close();
    await database?.drop();
  });

  it("costs the front door's statement alone once the rows are kept", async () => {
    expect((await details('slack', 'chat_postMessage')).isError).toBeFalsy();
    expect(await listed('communication')).toContain('slack');
    const before = await statements();
    for (let call = 0; call < 5; call += 1) {
      expect((await details('slack', 'chat_postMessage')).isError).toBeFalsy();
      expect(await listed('communication')).toContain('slack');
    }
    // One statement a read (it was two); a statement of the process's own in the window may add one.
    expect((await statements()) - before).toBeLessThanOrEqual(11);
  });

  it("sees settings another process changed on its next request", async () => {
    expect((await change('PUT', '/api/connectors/slack/settings', { enabled: false })).status).toBe(200);
    expect(toolError(await details('slack', 'chat_postMessage'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await listed('communication')).not.toContain('slack');
    expect((await change('PUT', '/api/connectors/slack/settings', { enabled: true })).status).toBe(200);
    expect((await details('slack', 'chat_postMessage')).isError).toBeFalsy();
    expect(await listed('communication')).toContain('slack');
  });

  it('sees settings changed straight in the database on its next request', async () => {
    await sql`update connector_settings set enabled = false where connector_id = 'slack'`.execute(handle.db);
    expect(toolError(await details('slack', 'chat_postMessage'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await listed('communication')).not.toContain('slack');
    await sql`delete from connector_settings where connector_id = 'slack'`.execute(handle.db);
    expect((await details('slack', 'chat_postMessage')).isError).toBeFalsy();
    expect(await listed('communication')).toContain('slack');
  });

  it('sees a custom connector created, changed and deleted elsewhere', async () => {
    expect(await listed('other')).not.toContain('acme-tracker');
    expect((await change('POST', '/api/connectors', customDefinition(['list_issues']))).status).toBe(201);
    expect(await listed('other')).toContain('acme-tracker');
    expect((await details('acme-tracker', 'list_issues')).isError).toBeFalsy();
    expect(toolError(await details('acme-tracker', 'close_issue'))).toMatchObject({ code: 'ACTION_NOT_FOUND' });

    const definition = JSON.stringify(customDefinition(['list_issues', 'close_issue']));
    await sql`update custom_connectors set definition = ${definition}::jsonb where id = 'acme-tracker'`.execute(handle.db);
    expect((await details('acme-tracker', 'close_issue')).isError).toBeFalsy();

    await sql`delete from custom_connectors where id = 'acme-tracker'`.execute(handle.db);
    expect(toolError(await details('acme-tracker', 'list_issues'))).toMatchObject({ code: 'CONNECTOR_NOT_FOUND' });
    expect(await listed('other')).not.toContain('acme-tracker');
  });

  it("sees the server's restrictions another process changed on its next request", async () => {
    expect((await change('PUT', `/api/servers/${serverId}`, { restrictions: { connectors: { mode: 'blocklist', ids: ['slack'] } } })).status).toBe(200);
    expect(toolError(await details('slack', 'chat_postMessage'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await listed('communication')).not.toContain('slack');
    expect((await change('PUT', `/api/servers/${serverId}`, { restrictions: {} })).status).toBe(200);
    expect((await details('slack', 'chat_postMessage')).isError).toBeFalsy();
  });
});
