import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as ServerV1 } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CompleteRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { createMcpHandler, ProtocolError, Server as ServerV2 } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp, connectMcpV2, postModern } from '../support/mcp.js';
import { serveWebMcpHandler } from '../support/remoteMcpServer.js';

/**
 * Remote MCP servers that offer resources and prompts but no tools, on a tools-mode server: one
 * that speaks 2025-11-25 (SDK v1) and one that speaks 2026-07-28 only (SDK v2), both real servers
 * on 127.0.0.1. Their resources and prompts are offered like any remote's, and their own JSON-RPC
 * errors (a resource read, a prompt, a completion) reach the caller as they sent them, code,
 * message and data, on both callers' wires, scrubbed of the connector's secrets.
 */

const API_KEY = 'reads-secret-key-0123456789';

/** What both servers answer; `revision` names them apart. */
function answers(revision: string) {
  const prefix = `${revision}://`;
  return {
    resources: { resources: [{ uri: `${prefix}readme`, name: `${revision}-readme`, mimeType: 'text/plain' }] },
    prompts: { prompts: [{ name: `${revision}_brief`, arguments: [{ name: 'topic', required: true }] }] },
    read(uri: string, apiKey: unknown) {
      if (uri === `${prefix}readme`) return { contents: [{ uri, mimeType: 'text/plain', text: `${revision} readme` }] };
      if (uri === `${prefix}archived`) return { error: [-32002, `Resource archived (asked with key ${String(apiKey)})`, { uri, archivedAt: '2026-01-01' }] as const };
      return { error: [-32002, 'Resource not found', { uri }] as const };
    },
    prompt(name: string, topic: string | undefined) {
      if (name !== `${revision}_brief`) return { error: [-32602, `Unknown prompt ${name}`, undefined] as const };
      if (topic !== 'mcp') return { error: [-32602, `No brief on "${String(topic)}": ask for mcp`, { allowed: ['mcp'] }] as const };
      return { messages: [{ role: 'user', content: { type: 'text', text: `${revision} brief on mcp` } }] };
    },
    complete: { error: [-32050, `${revision} completions are switched off`, { retryAfter: 60 }] as const },
  };
}

type Answered = Record<string, unknown> & { error?: readonly [number, string, unknown] };

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface Remote {
  url: string;
  /** The JSON-RPC method of every request received. */
  methods: string[];
  close(): Promise<void>;
}

async function listen(http: HttpServer, methods: string[], close: () => Promise<void> = async () => undefined): Promise<Remote> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    methods,
    close: async () => {
      await close();
      await new Promise<void>((done) => {
        http.close(() => done());
        http.closeAllConnections();
      });
    },
  };
}

/** A 2025-11-25 server (SDK v1, stateless): resources and prompts, no tools. */
async function startLegacyServer(): Promise<Remote> {
  const methods: string[] = [];
  const own = answers('legacy');
  const reply = (answer: Answered) => {
    if (answer.error) throw new McpError(answer.error[0], answer.error[1], answer.error[2]);
    return answer as never;
  };
  const http = createServer((req, res) => {
    void (async () => {
      const text = req.method === 'POST' ? await readBody(req) : '';
      const body = text ? (JSON.parse(text) as { method?: string }) : undefined;
      if (body?.method) methods.push(body.method);
      const server = new ServerV1({ name: 'legacy-reads', version: '1.0.0' }, { capabilities: { resources: {}, prompts: {}, completions: {} } });
      server.setRequestHandler(ListResourcesRequestSchema, () => own.resources);
      server.setRequestHandler(ReadResourceRequestSchema, (request) => reply(own.read(request.params.uri, req.headers['x-api-key'])));
      server.setRequestHandler(ListPromptsRequestSchema, () => own.prompts);
      server.setRequestHandler(GetPromptRequestSchema, (request) => reply(own.prompt(request.params.name, request.params.arguments?.topic)));
      server.setRequestHandler(CompleteRequestSchema, () => reply(own.complete));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void server.close());
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  return listen(http, methods);
}

/** A server that speaks 2026-07-28 only (SDK v2, stateless): resources and prompts, no tools. */
async function startModernServer(): Promise<Remote> {
  const methods: string[] = [];
  const own = answers('modern');
  let apiKey: unknown;
  const reply = (answer: Answered) => {
    if (answer.error) throw new ProtocolError(answer.error[0], answer.error[1], answer.error[2]);
    return answer as never;
  };
  const build = () => {
    const server = new ServerV2({ name: 'modern-reads', version: '1.0.0' }, { capabilities: { resources: {}, prompts: {}, completions: {} } });
    server.setRequestHandler('resources/list', () => own.resources);
    server.setRequestHandler('resources/read', (request) => reply(own.read(request.params.uri, apiKey)));
    server.setRequestHandler('prompts/list', () => own.prompts);
    server.setRequestHandler('prompts/get', (request) => reply(own.prompt(request.params.name, request.params.arguments?.topic)));
    server.setRequestHandler('completion/complete', () => reply(own.complete));
    return server;
  };
  const served = await serveWebMcpHandler(createMcpHandler(build, { legacy: 'reject' }), (req, body) => {
    const { method } = (body ?? {}) as { method?: string };
    if (method) methods.push(method);
    apiKey = req.headers['x-api-key'];
  });
  return { ...served, methods };
}

/** What both SDKs' clients share, as these tests use it. */
interface AnyClient {
  listTools(): Promise<{ tools: Array<{ name: string }> }>;
  listResources(): Promise<{ resources: Array<{ uri: string }> }>;
  readResource(params: { uri: string }): Promise<{ contents: Array<Record<string, unknown>> }>;
  listPrompts(): Promise<{ prompts: Array<{ name: string }> }>;
  getPrompt(params: { name: string; arguments?: Record<string, string> }): Promise<{ messages: Array<{ content: { text?: string } }> }>;
  complete(params: { ref: Record<string, string>; argument: { name: string; value: string } }): Promise<unknown>;
  close(): Promise<void>;
}

describe('tools mode: remote servers with resources and prompts but no tools', () => {
  let app: TestApp;
  let legacy: Remote;
  let modern: Remote;
  let accessUrl: string;

  beforeAll(async () => {
    [app, legacy, modern] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startLegacyServer(), startModernServer()]);
    const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
    const server = await call('POST', '/api/servers', { name: 'reads only', mode: 'tools' });
    for (const [name, url] of [
      ['Legacy Docs', legacy.url],
      ['Modern Docs', modern.url],
    ]) {
      const created = await call('POST', '/api/mcp-connectors', { name, url, headers: { 'x-api-key': API_KEY } });
      expect(created.status).toBe(201);
      expect((await call('POST', `/api/servers/${server.body.serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);
    }
    accessUrl = server.body.accessUrl;
  });
  afterAll(async () => {
    await Promise.all([legacy?.close(), modern?.close()]);
    await app?.close();
  });

  const connect = async (sdk: 'v1' | 'v2'): Promise<AnyClient> => (sdk === 'v1' ? await connectMcp(accessUrl) : await connectMcpV2(accessUrl, { name: 'reads-v2' })) as unknown as AnyClient;

  it('learns that neither server offers tools, without asking for a tool list', async () => {
    const client = await connect('v1');
    try {
      expect((await client.listTools()).tools).toEqual([]);
    } finally {
      await client.close();
    }
    expect([...legacy.methods, ...modern.methods]).not.toContain('tools/list');
    const rows = await app.database.db.selectFrom('mcp_connectors').select(['name', 'tools', 'protocol_version']).orderBy('name').execute();
    expect(rows).toEqual([
      { name: 'Legacy Docs', tools: [], protocol_version: '2025-11-25' },
      { name: 'Modern Docs', tools: [], protocol_version: '2026-07-28' },
    ]);
  });

  describe.each(['v1', 'v2'] as const)('SDK %s caller', (sdk) => {
    let client: AnyClient;
    beforeAll(async () => {
      client = await connect(sdk);
    });
    afterAll(async () => client?.close());

    it("lists and reads both servers' resources and prompts", async () => {
      expect((await client.listResources()).resources.map((resource) => resource.uri).sort()).toEqual(['legacy://readme', 'modern://readme']);
      for (const revision of ['legacy', 'modern']) {
        expect((await client.readResource({ uri: `${revision}://readme` })).contents).toEqual([{ uri: `${revision}://readme`, mimeType: 'text/plain', text: `${revision} readme` }]);
        const prompt = await client.getPrompt({ name: `${revision}_brief`, arguments: { topic: 'mcp' } });
        expect(prompt.messages[0]!.content.text).toBe(`${revision} brief on mcp`);
      }
      expect((await client.listPrompts()).prompts.map((prompt) => prompt.name).sort()).toEqual(['legacy_brief', 'modern_brief']);
    });
  });

  /** A raw 2026-07-28 request (its envelope in _meta): the JSON-RPC answer as it came on the wire. */
  const envelope = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'raw-2026', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const post2026 = (method: string, params: Record<string, unknown>) =>
    postModern(accessUrl, { method, params: { ...params, _meta: envelope } }, typeof params.uri === 'string' ? { 'mcp-name': params.uri } : {});

  /** A 2025-11-25 request through the SDK v1 client: the JSON-RPC error it was answered with. */
  async function legacyError(ask: (client: AnyClient) => Promise<unknown>): Promise<{ code: number; message: string; data?: unknown }> {
    const client = await connect('v1');
    try {
      await ask(client);
      throw new Error('expected a JSON-RPC error');
    } catch (error) {
      const { code, message, data } = error as McpError;
      return { code, message: message.replace(`MCP error ${code}: `, ''), data };
    } finally {
      await client.close();
    }
  }

  describe.each(['legacy', 'modern'] as const)("a %s server's own JSON-RPC errors reach the caller as it sent them", (revision) => {
    const archived = { uri: `${revision}://archived` };
    // What each server sent: the SDK v1 server's McpError puts its code in the message; the SDK v2
    // server answers a missing resource -32602 on 2026-07-28, whatever its handler threw.
    const sent = (code: number, message: string) => ({ code, message: revision === 'legacy' ? `MCP error ${code}: ${message}` : message });
    const expected = {
      read: { ...sent(revision === 'legacy' ? -32002 : -32602, 'Resource archived (asked with key [redacted])'), data: { uri: archived.uri, archivedAt: '2026-01-01' } },
      prompt: { ...sent(-32602, 'No brief on "poetry": ask for mcp'), data: { allowed: ['mcp'] } },
      complete: { ...sent(-32050, `${revision} completions are switched off`), data: { retryAfter: 60 } },
    };
    const prompt = { name: `${revision}_brief`, arguments: { topic: 'poetry' } };
    const completion = { ref: { type: 'ref/prompt', name: `${revision}_brief` }, argument: { name: 'topic', value: 'p' } };

    it('to a 2025-11-25 caller', async () => {
      expect(await legacyError((client) => client.readResource(archived))).toEqual(expected.read);
      expect(await legacyError((client) => client.getPrompt(prompt))).toEqual(expected.prompt);
      expect(await legacyError((client) => client.complete(completion))).toEqual(expected.complete);
    });

    it('to a 2026-07-28 caller', async () => {
      // 2026-07-28 answers a missing resource -32602 (Switchboard's SDK v2 server maps -32002 to it), its message and data as sent.
      expect((await post2026('resources/read', archived)).error).toEqual({ ...expected.read, code: -32602 });
      expect((await post2026('prompts/get', prompt)).error).toEqual(expected.prompt);
      expect((await post2026('completion/complete', completion)).error).toEqual(expected.complete);
    });
  });

  it("answers Switchboard's own error for a URI no server has", async () => {
    expect(await legacyError((client) => client.readResource({ uri: 'nowhere://at-all' }))).toMatchObject({ code: -32602, data: expect.objectContaining({ uri: 'nowhere://at-all' }) });
  });
});
