import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { CLIENT_CAPABILITIES_META_KEY, createMcpHandler, inputRequired, McpServer } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { api } from '../support/mcp.js';
import { serveWebMcpHandler } from '../support/remoteMcpServer.js';

/**
 * A remote MCP server that speaks 2026-07-28 (a real SDK v2 server, stateless, on 127.0.0.1) on a
 * tools-mode server: Switchboard finds the revision when it lists the tools, keeps it, and calls
 * the server on it, so the server's input_required rounds reach a 2026-07-28 caller under the
 * server's own keys, and a 2025-11-25 caller as requests on its call's stream. The client
 * handlers answer as a user would (none can run here).
 */
async function startModernServer(): Promise<{ url: string; declared: unknown[]; close(): Promise<void> }> {
  const declared: unknown[] = [];
  const build = () => {
    const server = new McpServer({ name: 'modern-remote', version: '1.0.0' }, { capabilities: { tools: {} } });
    server.registerTool('greet', { description: 'Asks for a name, then greets', inputSchema: {} }, (_args, ctx) => {
      declared.push((ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY]);
      const answer = ctx.mcpReq.inputResponses?.user_name as { action?: string; content?: { name?: string } } | undefined;
      if (answer?.action !== 'accept') {
        const ask = inputRequired.elicit({ message: 'What is your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } as never);
        return inputRequired({ inputRequests: { user_name: ask } });
      }
      return { content: [{ type: 'text', text: `Hello, ${String(answer.content?.name)}!` }] };
    });
    // A prompt that asks for a name first, as the tool does.
    server.registerPrompt('introduce', { description: 'Asks for a name, then introduces them' }, (...params: unknown[]) => {
      const ctx = params.at(-1) as { mcpReq: { inputResponses?: Record<string, unknown> } };
      const answer = ctx.mcpReq.inputResponses?.user_name as { action?: string; content?: { name?: string } } | undefined;
      if (answer?.action !== 'accept') {
        const ask = inputRequired.elicit({ message: 'Who is it?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } as never);
        return inputRequired({ inputRequests: { user_name: ask } }) as never;
      }
      return { messages: [{ role: 'user', content: { type: 'text', text: `Introduce ${String(answer.content?.name)}` } }] };
    });
    return server.server;
  };
  return { ...(await serveWebMcpHandler(createMcpHandler(build, { legacy: 'reject' }))), declared };
}

describe('tools mode: a remote server that speaks 2026-07-28', () => {
  let app: TestApp;
  let remote: Awaited<ReturnType<typeof startModernServer>>;
  let accessUrl: string;

  beforeAll(async () => {
    [app, remote] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startModernServer()]);
    const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
    const server = await call('POST', '/api/servers', { name: 'modern remote tools', mode: 'tools' });
    const created = await call('POST', '/api/mcp-connectors', { name: 'Modern', url: remote.url });
    expect(created.status).toBe(201);
    expect((await call('POST', `/api/servers/${server.body.serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);
    accessUrl = server.body.accessUrl;
  });
  afterAll(async () => {
    await remote?.close();
    await app?.close();
  });

  const texts = (result: object) => (result as { content: Array<{ text?: string }> }).content.map((item) => item.text);

  /** One raw 2026-07-28 tools/call (the envelope in _meta), its answer read from JSON or SSE. */
  async function call2026(extra: Record<string, unknown> = {}, capabilities: Record<string, unknown> = { elicitation: {} }): Promise<Record<string, any>> {
    const response = await fetch(accessUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'greet' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'greet',
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

  it('on 2026-07-28: the input request goes by the server key, and the retry answers it', async () => {
    const first = (await call2026()).result;
    expect(first.resultType).toBe('input_required');
    expect(Object.keys(first.inputRequests as object)).toEqual(['user_name']);
    expect(first.inputRequests.user_name.method).toBe('elicitation/create');
    // What the caller declared reached the server in the request's envelope.
    expect(remote.declared.at(-1)).toEqual({ elicitation: { form: {} } });
    const done = (await call2026({ inputResponses: { user_name: { action: 'accept', content: { name: 'Ada' } } }, requestState: first.requestState })).result;
    expect(texts(done)).toEqual(['Hello, Ada!']);
  });

  it('on 2026-07-28: a first call that already answers (and adds keys the server ignores) is answered at once', async () => {
    const answered = (await call2026({ inputResponses: { user_name: { action: 'accept', content: { name: 'Grace' } }, unknown_extra: { action: 'accept', content: {} } } })).result;
    expect(texts(answered)).toEqual(['Hello, Grace!']);
  });

  it('on 2026-07-28: a caller that declared no elicitation hears the server refuse for want of it (-32021, naming it)', async () => {
    const refused = await call2026({}, {});
    expect(remote.declared.at(-1)).toEqual({});
    expect(refused.error?.code).toBe(-32021);
    expect(refused.error?.data?.requiredCapabilities?.elicitation).toBeDefined();
  });

  it('on 2026-07-28 (SDK v2 client): the round trip through its elicitation handler', async () => {
    const client = new ClientV2({ name: 'modern-caller', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } });
    client.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: { name: 'Lin' } }));
    await client.connect(new TransportV2(new URL(accessUrl)));
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      expect(texts(await client.callTool({ name: 'greet', arguments: {} }))).toEqual(['Hello, Lin!']);
    } finally {
      await client.close();
    }
  });

  it('on 2025-11-25 (SDK v1 client): the server input request comes on the call stream', async () => {
    const client = new Client({ name: 'legacy-caller', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      expect(request.params.message).toBe('What is your name?');
      return { action: 'accept', content: { name: 'Ken' } };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(accessUrl)));
    try {
      expect(texts(await client.callTool({ name: 'greet', arguments: {} }))).toEqual(['Hello, Ken!']);
    } finally {
      await client.close();
    }
  });

  it("on 2025-11-25: a caller that declared no elicitation hears the server's own refusal as it sent it (-32021, naming it)", async () => {
    const client = new Client({ name: 'legacy-caller', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(accessUrl)));
    try {
      await expect(client.callTool({ name: 'greet', arguments: {} })).rejects.toMatchObject({ code: -32021, data: { requiredCapabilities: { elicitation: expect.anything() } } });
    } finally {
      await client.close();
    }
  });

  it("a prompt that asks first: the input request reaches a 2025-11-25 caller on the prompts/get stream, and a 2026-07-28 caller's retry", async () => {
    const legacy = new Client({ name: 'legacy-caller', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    legacy.setRequestHandler(ElicitRequestSchema, (request) => {
      expect(request.params.message).toBe('Who is it?');
      return { action: 'accept', content: { name: 'Ken' } };
    });
    const modern = new ClientV2({ name: 'modern-caller', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } });
    modern.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: { name: 'Lin' } }));
    await legacy.connect(new StreamableHTTPClientTransport(new URL(accessUrl)));
    await modern.connect(new TransportV2(new URL(accessUrl)));
    try {
      expect((await legacy.getPrompt({ name: 'introduce' })).messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Introduce Ken' } }]);
      expect((await modern.getPrompt({ name: 'introduce' })).messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Introduce Lin' } }]);
    } finally {
      await Promise.all([legacy.close(), modern.close()]);
    }
  });

  it('kept the revision the server speaks with the tool list it listed for the first call', async () => {
    const row = await app.database.db.selectFrom('mcp_connectors').select(['protocol_version', 'tools']).executeTakeFirstOrThrow();
    expect(row.protocol_version).toBe('2026-07-28');
    expect(row.tools?.map((tool) => tool.name)).toEqual(['greet']);
  });
});
