import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_API_KEY, TEST_ENCRYPTION_KEY } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { api } from '../support/mcp.js';
import { spawnSwitchboard, type SpawnedSwitchboard } from '../support/process.js';
import { startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

/** The JSON-RPC messages of an SSE body, as the text that has arrived so far splits into events. */
function sseMessages(text: string): Array<{ id?: unknown; result?: unknown }> {
  return text
    .split('\n\n')
    .flatMap((event) => event.split('\n').filter((line) => line.startsWith('data: ') && line.length > 'data: '.length))
    .map((line) => JSON.parse(line.slice('data: '.length)) as { id?: unknown; result?: unknown });
}

/**
 * SEP-1699 resumption through the real path: a tools-mode call's POST stream (API process A) is
 * cut after its priming event, as a network drop would; the SDK client comes back with GET and
 * Last-Event-ID, which this test sends to API process B. The call goes on in A (its run in the
 * worker), A records the result in mcp_stream_events, and B replays it: the database is all A
 * and B share. Nothing is mocked: the cut is the client's fetch cancelling the response body.
 */
describe('2025-11-25 response streams resume on another process', () => {
  let database: TestDatabase;
  let remote: RemoteMcpServer;
  let apiA: SpawnedSwitchboard;
  let apiB: SpawnedSwitchboard;
  let worker: SpawnedSwitchboard;
  let serverId: string;
  let accessPath: string;
  /** The Last-Event-ID and session of the resumed call, for the foreign callers below. */
  let resumed: { lastEventId: string; sessionId: string } | undefined;

  beforeAll(async () => {
    [database, remote] = await Promise.all([createTestDatabase('postgres'), startRemoteMcpServer()]);
    const env = {
      ...database.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `stream-resumption-${Math.random().toString(36).slice(2, 10)}`,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      BOOTSTRAP_API_KEY: TEST_API_KEY,
      EGRESS_ALLOW_HOSTS: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '100000',
    };
    // The worker migrates the schema; the API processes start once it is there.
    worker = await spawnSwitchboard('worker', env, { readyTimeoutMs: 180_000 });
    [apiA, apiB] = await Promise.all([spawnSwitchboard('api', env, { readyTimeoutMs: 180_000 }), spawnSwitchboard('api', env, { readyTimeoutMs: 180_000 })]);
    const rest = (method: string, route: string, body?: unknown) => api(apiA.url, TEST_API_KEY, method, route, body);
    const server = await rest('POST', '/api/servers', { name: 'resumable', mode: 'tools' });
    const created = await rest('POST', '/api/mcp-connectors', { name: 'Remote', url: remote.url });
    expect(created.status).toBe(201);
    expect((await rest('POST', `/api/servers/${server.body.serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);
    serverId = server.body.serverId as string;
    accessPath = new URL(server.body.accessUrl as string).pathname;
  }, 400_000);

  afterAll(async () => {
    await Promise.all([apiA?.stop(), apiB?.stop(), worker?.stop()]);
    await remote?.close();
    await database?.drop();
  });

  it('a call whose stream is cut after its priming event answers once, replayed by another process', async () => {
    let callId: unknown;
    let cut = false;
    const resumes: string[] = [];
    /** The SSE text of each watched response, as far as the client read it. */
    const bodies: string[] = [];
    /** Keeps what the client reads of a response; cuts the call's POST stream after its first event, as a dropped connection would. */
    const watch = (response: Response, cutAfterFirstEvent: boolean): Response => {
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      const index = bodies.push('') - 1;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value, done } = await reader.read();
          if (done) return controller.close();
          bodies[index] += decoder.decode(value, { stream: true });
          controller.enqueue(value);
          if (cutAfterFirstEvent && bodies[index]!.includes('\n\n')) {
            cut = true;
            await reader.cancel();
            controller.error(new TypeError('network connection lost'));
          }
        },
        cancel: (reason) => reader.cancel(reason),
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const viaAThenB: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      const lastEventId = headers.get('last-event-id');
      if (init?.method === 'GET' && lastEventId) {
        resumes.push(lastEventId);
        return watch(await fetch(`${apiB.url}${accessPath}`, init), false);
      }
      const message = typeof init?.body === 'string' ? (JSON.parse(init.body) as { id?: unknown; method?: string }) : undefined;
      const response = await fetch(`${apiA.url}${accessPath}`, init);
      if (message?.method !== 'tools/call' || !response.headers.get('content-type')?.includes('text/event-stream')) return response;
      callId = message.id;
      return watch(response, true);
    };
    const client = new Client({ name: 'resuming', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${apiA.url}${accessPath}`), { fetch: viaAThenB });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'sleep', arguments: { ms: 1500 } });
      expect(result.content).toEqual([{ type: 'text', text: 'awake' }]);
      expect(cut).toBe(true);
      expect(resumes.length).toBeGreaterThanOrEqual(1);
      const results = bodies.flatMap((text) => sseMessages(text.slice(0, text.lastIndexOf('\n\n') + 2)));
      expect(results.filter((message) => message.id === callId && message.result !== undefined)).toHaveLength(1);
      resumed = { lastEventId: resumes[0]!, sessionId: transport.sessionId! };
    } finally {
      await client.close();
    }
  }, 60_000);

  it('the stream replays to its own session only: another session, user or server gets 404', async () => {
    expect(resumed).toBeDefined();
    const { lastEventId, sessionId } = resumed!;
    const get = (path: string, headers: Record<string, string>) =>
      fetch(`${apiB.url}${path}`, { headers: { accept: 'text/event-stream', 'mcp-protocol-version': '2025-11-25', 'last-event-id': lastEventId, ...headers } });
    const initialize = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${apiA.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'other', version: '1' } } }),
      });
      await response.body?.cancel();
      return response.headers.get('mcp-session-id')!;
    };

    // The owner, again: the rest of the stream, its result among it.
    const own = await get(accessPath, { 'mcp-session-id': sessionId });
    expect(own.status).toBe(200);
    expect(sseMessages(await own.text()).some((message) => message.result !== undefined)).toBe(true);

    // The same caller in another session, and with none.
    expect((await get(accessPath, { 'mcp-session-id': await initialize(accessPath) })).status).toBe(404);
    expect((await get(accessPath, {})).status).toBe(404);

    // Another user of the account on the same server, in its own session and naming the owner's.
    const intruderKey = (await api(apiA.url, TEST_API_KEY, 'POST', '/api/keys', { name: 'intruder', userId: 'intruder', role: 'user' })).body.key as string;
    const asIntruder = { authorization: `Bearer ${intruderKey}` };
    const intruderSession = await initialize(`/mcp/${serverId}`, asIntruder);
    expect(intruderSession).toBeTruthy();
    expect((await get(`/mcp/${serverId}`, { ...asIntruder, 'mcp-session-id': intruderSession })).status).toBe(404);
    expect((await get(`/mcp/${serverId}`, { ...asIntruder, 'mcp-session-id': sessionId })).status).toBe(404);

    // Another server of the same user.
    const other = await api(apiA.url, TEST_API_KEY, 'POST', '/api/servers', { name: 'other', mode: 'tools' });
    const otherPath = new URL(other.body.accessUrl as string).pathname;
    expect((await get(otherPath, { 'mcp-session-id': await initialize(otherPath) })).status).toBe(404);

    // A malformed id is no stream either.
    expect((await get(accessPath, { 'mcp-session-id': sessionId, 'last-event-id': 'x'.repeat(200) })).status).toBe(404);
  }, 60_000);
});
