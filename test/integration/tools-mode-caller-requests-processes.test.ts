import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_API_KEY, TEST_ENCRYPTION_KEY } from '../support/app.js';
import { startAskingMcpServer, type AskingMcpServer } from '../support/askingMcpServer.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { api } from '../support/mcp.js';
import { spawnSwitchboard, type SpawnedSwitchboard } from '../support/process.js';

/**
 * A remote server's sampling request crosses three processes, as in production: the worker holds
 * the remote session, API process A answers the caller's tools/call, and the caller's answer
 * reaches API process B (its JSON-RPC response on 2025-11-25, its retry on 2026-07-28): the
 * database's run_requests is all they share.
 */
describe('tools mode: a remote server asks the caller, across processes', () => {
  let database: TestDatabase;
  let remote: AskingMcpServer;
  let apiA: SpawnedSwitchboard;
  let apiB: SpawnedSwitchboard;
  let worker: SpawnedSwitchboard;
  let path: string;
  const answeredOnB: string[] = [];

  beforeAll(async () => {
    [database, remote] = await Promise.all([createTestDatabase('postgres'), startAskingMcpServer()]);
    const env = {
      ...database.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `caller-requests-${Math.random().toString(36).slice(2, 10)}`,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      BOOTSTRAP_API_KEY: TEST_API_KEY,
      EGRESS_ALLOW_HOSTS: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '100000',
    };
    // The worker migrates the schema; the API processes start once it is there.
    worker = await spawnSwitchboard('worker', env);
    [apiA, apiB] = await Promise.all([spawnSwitchboard('api', env), spawnSwitchboard('api', env)]);
    const rest = (method: string, route: string, body?: unknown) => api(apiA.url, TEST_API_KEY, method, route, body);
    const server = await rest('POST', '/api/servers', { name: 'asking', mode: 'tools' });
    const created = await rest('POST', '/api/mcp-connectors', { name: 'Asker', url: remote.url });
    expect(created.status).toBe(201);
    expect((await rest('POST', `/api/servers/${server.body.serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);
    path = new URL(server.body.accessUrl as string).pathname;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([apiA?.stop(), apiB?.stop(), worker?.stop()]);
    await remote?.close();
    await database?.drop();
  });

  /** Sends the caller's answers (a JSON-RPC response, a retry carrying inputResponses) to B, everything else to A. */
  const split: typeof fetch = (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    const answer = body.includes('inputResponses') || (body.includes('"result"') && !body.includes('"method"'));
    if (answer) answeredOnB.push(body);
    return fetch(`${answer ? apiB.url : apiA.url}${path}`, init);
  };
  const answer = { role: 'assistant' as const, model: 'test-model', content: { type: 'text' as const, text: 'forty-two' } };

  it('on 2025-11-25: the answer to the request on A\'s stream is posted to B', async () => {
    answeredOnB.length = 0;
    const client = new Client({ name: 'asked-v1', version: '1.0.0' }, { capabilities: { sampling: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, () => answer);
    await client.connect(new StreamableHTTPClientTransport(new URL(`${apiA.url}${path}`), { fetch: split }));
    try {
      const result = await client.callTool({ name: 'ask_model', arguments: {} });
      expect(result.content).toEqual([{ type: 'text', text: 'model said: forty-two' }]);
      expect(answeredOnB).toHaveLength(1);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('on 2026-07-28: the retry that answers goes to B', async () => {
    answeredOnB.length = 0;
    const client = new ClientV2({ name: 'asked-v2', version: '1.0.0' }, { capabilities: { sampling: {} }, versionNegotiation: { mode: 'auto' } });
    client.setRequestHandler('sampling/createMessage', () => answer);
    await client.connect(new TransportV2(new URL(`${apiA.url}${path}`), { fetch: split }));
    try {
      const result = await client.callTool({ name: 'ask_model', arguments: {} });
      expect(result.content).toEqual([{ type: 'text', text: 'model said: forty-two' }]);
      expect(answeredOnB).toHaveLength(1);
    } finally {
      await client.close();
    }
  }, 60_000);
});
