import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema, type ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startAskingMcpServer, type AskingMcpServer } from '../support/askingMcpServer.js';
import { api } from '../support/mcp.js';

/**
 * A remote MCP server's requests to the caller during a tools-mode call (sampling, elicitation,
 * roots) reach the caller and its answers reach the server: on 2025-11-25 as requests on the
 * call's stream, on 2026-07-28 as input_required round trips. The worker's attempt records each
 * request in run_requests and waits for the answer the front door writes (docs/tools-mode.md).
 * The client handlers answer as a model and a user would (neither can run here).
 */
const ALL: ClientCapabilities = { sampling: {}, elicitation: { form: {} }, roots: {} };

describe('tools mode: a remote server asks the caller', () => {
  let app: TestApp;
  let remote: AskingMcpServer;
  let accessUrl: string;
  const asked: string[] = [];

  beforeAll(async () => {
    [app, remote] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startAskingMcpServer()]);
    const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
    const server = await call('POST', '/api/servers', { name: 'asking tools', mode: 'tools' });
    const created = await call('POST', '/api/mcp-connectors', { name: 'Asker', url: remote.url });
    expect(created.status).toBe(201);
    expect((await call('POST', `/api/servers/${server.body.serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);
    accessUrl = server.body.accessUrl;
  });
  afterAll(async () => {
    await remote?.close();
    await app?.close();
  });

  async function clientV1(capabilities: ClientCapabilities): Promise<Client> {
    const client = new Client({ name: 'asked-v1', version: '1.0.0' }, { capabilities });
    if (capabilities.sampling) {
      client.setRequestHandler(CreateMessageRequestSchema, (request) => {
        asked.push(JSON.stringify(request.params.messages));
        return { role: 'assistant', model: 'test-model', content: { type: 'text', text: 'forty-two' } };
      });
    }
    if (capabilities.elicitation) client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { colour: 'teal' } }));
    if (capabilities.roots) client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: 'file:///work/project', name: 'project' }] }));
    await client.connect(new StreamableHTTPClientTransport(new URL(accessUrl)));
    return client;
  }

  async function clientV2(): Promise<ClientV2> {
    const client = new ClientV2({ name: 'asked-v2', version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: { form: {} }, roots: {} }, versionNegotiation: { mode: 'auto' } });
    client.setRequestHandler('sampling/createMessage', () => ({ role: 'assistant', model: 'test-model', content: { type: 'text', text: 'forty-two' } }));
    client.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: { colour: 'teal' } }));
    client.setRequestHandler('roots/list', () => ({ roots: [{ uri: 'file:///work/project', name: 'project' }] }));
    await client.connect(new TransportV2(new URL(accessUrl)));
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    return client;
  }

  const texts = (result: object) => ((result as { content: Array<{ text?: string }> }).content).map((item) => item.text);

  it('on 2025-11-25 (SDK v1): sampling, elicitation and roots requests on the call stream, answers back to the server', async () => {
    const client = await clientV1(ALL);
    try {
      expect(texts(await client.callTool({ name: 'ask_model', arguments: {} }))).toEqual(['model said: forty-two']);
      expect(asked.at(-1)).toContain('What is the answer?');
      expect(texts(await client.callTool({ name: 'ask_user', arguments: {} }))).toEqual(['user accept: teal']);
      expect(texts(await client.callTool({ name: 'list_roots', arguments: {} }))).toEqual(['roots: file:///work/project']);
      expect(remote.declared.at(-1)).toEqual({ sampling: {}, elicitation: { form: {} }, roots: {} });
    } finally {
      await client.close();
    }
  });

  it('on 2026-07-28 (SDK v2): each request an input_required round trip, answered by the retry', async () => {
    const client = await clientV2();
    try {
      expect(texts(await client.callTool({ name: 'ask_model', arguments: {} }))).toEqual(['model said: forty-two']);
      expect(texts(await client.callTool({ name: 'ask_user', arguments: {} }))).toEqual(['user accept: teal']);
      expect(texts(await client.callTool({ name: 'list_roots', arguments: {} }))).toEqual(['roots: file:///work/project']);
    } finally {
      await client.close();
    }
  });

  it('declares to the remote server only what the caller declared', async () => {
    const client = await clientV1({ sampling: {} });
    try {
      expect(texts(await client.callTool({ name: 'ask_model', arguments: {} }))).toEqual(['model said: forty-two']);
      expect(remote.declared.at(-1)).toEqual({ sampling: {} });
      // The server may not ask for what the caller did not declare: its tool fails, relayed as it came.
      const refused = await client.callTool({ name: 'list_roots', arguments: {} });
      expect(refused.isError).toBe(true);
      expect(remote.declared.at(-1)).toEqual({ sampling: {} });
    } finally {
      await client.close();
    }
  });

  /** One raw 2026-07-28 tools/call (the envelope in _meta), its answer read from JSON or SSE. */
  async function call2026(name: string, extra: Record<string, unknown> = {}, capabilities: ClientCapabilities = ALL): Promise<Record<string, any>> {
    const response = await fetch(accessUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name,
          arguments: {},
          ...extra,
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientInfo': { name: 'raw-2026', version: '1.0.0' },
            'io.modelcontextprotocol/clientCapabilities': capabilities,
          },
        },
      }),
    });
    const text = await response.text();
    if (!response.headers.get('content-type')?.includes('text/event-stream')) return JSON.parse(text) as Record<string, any>;
    const messages = text.split('\n').filter((line) => line.startsWith('data: ') && line.length > 6).map((line) => JSON.parse(line.slice(6)) as Record<string, any>);
    return messages.find((message) => 'result' in message || 'error' in message)!;
  }

  it('on 2026-07-28: a tampered requestState is refused with a JSON-RPC error, and each round gets a requestState of its own', async () => {
    const first = (await call2026('ask_twice')).result;
    expect(first.resultType).toBe('input_required');
    const [sampleKey] = Object.keys(first.inputRequests as object);
    const sampled = { [sampleKey!]: { role: 'assistant', model: 'test-model', content: { type: 'text', text: 'one' } } };

    const tampered = await call2026('ask_twice', { inputResponses: sampled, requestState: `${String(first.requestState)}-TAMPERED` });
    expect(tampered.error?.code).toBe(-32602);

    const second = (await call2026('ask_twice', { inputResponses: sampled, requestState: first.requestState })).result;
    expect(second.resultType).toBe('input_required');
    expect(second.requestState).not.toBe(first.requestState);
    const [elicitKey] = Object.keys(second.inputRequests as object);
    expect(second.inputRequests[elicitKey!].method).toBe('elicitation/create');

    const done = (await call2026('ask_twice', { inputResponses: { [elicitKey!]: { action: 'accept', content: { colour: 'blue' } } }, requestState: second.requestState })).result;
    expect(texts(done)).toEqual(['twice: blue']);
  });

  it('on 2026-07-28: a caller that declared only sampling is declared so to the remote server, and asked for sampling alone', async () => {
    const asked = (await call2026('ask_model', {}, { sampling: {} })).result;
    expect(remote.declared.at(-1)).toEqual({ sampling: {} });
    expect(Object.values(asked.inputRequests as Record<string, { method: string }>).map((request) => request.method)).toEqual(['sampling/createMessage']);
  });
});
