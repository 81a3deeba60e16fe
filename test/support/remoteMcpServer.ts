import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface RemoteMcpServer {
  url: string;
  apiKey: string;
  /** Headers of every request received, to check what we sent. */
  requests: Array<Record<string, string | string[] | undefined>>;
  close(): Promise<void>;
}

/** Careless tools that echo what they were sent: our headers and URL, variables filled in. */
function registerEchoTools(server: McpServer, requestUrl: string): void {
  const echoRequest = (headers: unknown) => JSON.stringify({ url: requestUrl, headers });
  server.registerTool(
    'echo_request',
    { description: 'Echoes the request headers and URL', inputSchema: {} },
    async (_args, extra) => ({
      content: [{ type: 'text', text: echoRequest(extra.requestInfo?.headers) }],
      structuredContent: { url: requestUrl, headers: extra.requestInfo?.headers ?? {} },
    }),
  );
  server.registerTool(
    'echo_request_fail',
    { description: 'Fails, echoing the request headers and URL', inputSchema: {} },
    async (_args, extra) => ({ isError: true, content: [{ type: 'text', text: echoRequest(extra.requestInfo?.headers) }] }),
  );
}

/** Every content type MCP has, with structuredContent and _meta: what a relay must pass on untouched. */
export const MEDIA_CONTENT = [
  { type: 'text' as const, text: 'a picture, a sound and two resources' },
  { type: 'image' as const, data: Buffer.from('not really a png').toString('base64'), mimeType: 'image/png' },
  { type: 'audio' as const, data: Buffer.from('not really a wav').toString('base64'), mimeType: 'audio/wav' },
  { type: 'resource' as const, resource: { uri: 'file:///notes.txt', mimeType: 'text/plain', text: 'embedded notes' } },
  { type: 'resource_link' as const, uri: 'file:///report.pdf', name: 'report.pdf', mimeType: 'application/pdf' },
];

function registerMediaTools(server: McpServer): void {
  server.registerTool(
    'media',
    {
      title: 'Media',
      description: 'Returns every content type',
      inputSchema: {},
      outputSchema: { pictures: z.number() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async () => ({ content: MEDIA_CONTENT, structuredContent: { pictures: 1 }, _meta: { 'example.com/trace': 'm-1' } }),
  );
  server.registerTool(
    'media_fail',
    { description: 'Fails with a picture of the failure', inputSchema: {} },
    async () => ({ isError: true, content: [MEDIA_CONTENT[0]!, MEDIA_CONTENT[1]!] }),
  );
}

/** A resource, a resource template whose name completes, and a prompt: what a tools-mode server relays besides tools. */
function registerResourcesAndPrompts(server: McpServer): void {
  server.registerResource('notes', 'file:///notes.txt', { title: 'Notes', mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'remote notes' }],
  }));
  server.registerResource(
    'doc',
    new ResourceTemplate('file:///docs/{name}', { list: undefined, complete: { name: (value) => ['alpha', 'beta'].filter((name) => name.startsWith(value)) } }),
    { title: 'A document' },
    async (uri, { name }) => ({ contents: [{ uri: uri.href, blob: Buffer.from(`doc ${String(name)}`).toString('base64'), mimeType: 'application/octet-stream' }] }),
  );
  server.registerPrompt(
    'summarize',
    { description: 'Summarize a topic', argsSchema: { topic: completable(z.string(), (value) => ['mcp', 'temporal'].filter((topic) => topic.startsWith(value))) } },
    ({ topic }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Summarize ${topic}` } }] }),
  );
}

/** What a reporting server has been asked to change, kept across its per-request McpServers. */
interface ReportingState {
  extraTool: boolean;
}

/** A tool that reports as it goes: two progress notifications and a log message that carries the caller's API key; and one that adds a tool and says its tool list changed. */
function registerReportingTool(server: McpServer, apiKey: string, state: ReportingState): void {
  server.registerTool('grow', { description: 'Adds the tool "grown" and says the tool list changed', inputSchema: {} }, async (_args, extra) => {
    state.extraTool = true;
    await extra.sendNotification({ method: 'notifications/tools/list_changed' });
    return { content: [{ type: 'text', text: 'grown' }] };
  });
  if (state.extraTool) server.registerTool('grown', { description: 'Added by grow', inputSchema: {} }, async () => ({ content: [{ type: 'text', text: 'new' }] }));
  server.registerTool('report', { description: 'Reports progress and logs while it works', inputSchema: {} }, async (_args, extra) => {
    const progressToken = extra._meta?.progressToken;
    if (progressToken !== undefined) {
      await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: 1, total: 2, message: 'halfway' } });
      await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: 2, total: 2, message: 'done' } });
    }
    await extra.sendNotification({ method: 'notifications/message', params: { level: 'warning', logger: 'remote-test', data: { said: `used key ${apiKey}` } } });
    return { content: [{ type: 'text', text: 'reported' }] };
  });
}

function mcpServerFor(apiKey: string, requestUrl: string, echoTools: boolean, mediaTools: boolean, reporting?: ReportingState): McpServer {
  const server = new McpServer({ name: 'remote-test', version: '1.0.0' }, reporting ? { capabilities: { logging: {}, tools: { listChanged: true } } } : {});
  if (reporting) registerReportingTool(server, apiKey, reporting);
  if (echoTools) registerEchoTools(server, requestUrl);
  if (mediaTools) {
    registerMediaTools(server);
    registerResourcesAndPrompts(server);
  }
  server.registerPrompt('greet', { description: 'Greets someone', argsSchema: { name: z.string() } }, ({ name }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `Hello ${name}${mediaTools ? ' from the media server' : ''}` } }],
  }));
  server.registerTool(
    'echo',
    { description: 'Echoes the text back', inputSchema: { text: z.string().describe('What to echo') }, annotations: { readOnlyHint: true } },
    async ({ text }) => ({ content: [{ type: 'text', text: `echo: ${text}` }] }),
  );
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers',
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: { sum: z.number() },
    },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } }),
  );
  server.registerTool(
    'whoami',
    { description: 'Needs the x-api-key header', inputSchema: {} },
    async (_args, extra) => {
      if (extra.requestInfo?.headers['x-api-key'] !== apiKey) {
        return { isError: true, content: [{ type: 'text', text: 'missing or wrong x-api-key' }] };
      }
      return { content: [{ type: 'text', text: 'authenticated as tester' }], structuredContent: { user: 'tester' } };
    },
  );
  server.registerTool(
    'sleep',
    { description: 'Answers after ms milliseconds', inputSchema: { ms: z.number().int() } },
    async ({ ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { content: [{ type: 'text', text: 'awake' }] };
    },
  );
  return server;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

const closing = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/** A real MCP server (SDK McpServer, stateless Streamable HTTP) on 127.0.0.1 with a few tools (echoTools: and two that echo the request; mediaTools: and two returning every content type; reportingTools: and ones sending progress, log and tools/list_changed notifications). */
export async function startRemoteMcpServer(
  apiKey = 'remote-secret-key-0123456789',
  options: { echoTools?: boolean; mediaTools?: boolean; reportingTools?: boolean } = {},
): Promise<RemoteMcpServer> {
  const requests: RemoteMcpServer['requests'] = [];
  const reporting = options.reportingTools ? { extraTool: false } : undefined;
  const http = createServer((req, res) => {
    requests.push(req.headers);
    void (async () => {
      const server = mcpServerFor(apiKey, req.url ?? '/', options.echoTools ?? false, options.mediaTools ?? false, reporting);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void server.close());
      await server.connect(transport);
      await transport.handleRequest(req, res, req.method === 'POST' ? await readBody(req) : undefined);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    apiKey,
    requests,
    close: () => closing(http),
  };
}

/** What an SDK v2 `createMcpHandler` is to the server that carries it: a web-standard fetch handler. */
interface WebMcpHandler {
  fetch(request: Request, options?: { parsedBody?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * An SDK v2 handler (a 2026-07-28 server) served over node:http on 127.0.0.1; `seen` is shown each
 * request and its body first (what a test counts or checks of what Switchboard sent).
 */
export async function serveWebMcpHandler(
  handler: WebMcpHandler,
  seen: (req: IncomingMessage, body: unknown) => void = () => undefined,
): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      seen(req, body);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      const response = await handler.fetch(request, body !== undefined ? { parsedBody: body } : {});
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: async () => {
      await handler.close();
      await closing(http);
    },
  };
}

/** Accepts connections and never answers: what a hung server looks like from outside. */
export async function startHangingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const tcp = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(tcp.address() as AddressInfo).port}/mcp`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        tcp.close(() => resolve());
      }),
  };
}
