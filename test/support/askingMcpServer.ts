import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CreateMessageResultSchema, ElicitResultSchema, ListRootsResultSchema } from '@modelcontextprotocol/sdk/types.js';

/**
 * A real MCP server (SDK McpServer, Streamable HTTP with sessions, so the answer to a request it
 * sends reaches the tool that asked) on 127.0.0.1 whose tools ask their client: `ask_model`
 * (sampling/createMessage), `ask_user` (elicitation/create, a form) and `list_roots` (roots/list),
 * each answering with what the client said. It records the client capabilities each session declared.
 */
export interface AskingMcpServer {
  url: string;
  /** The client capabilities declared at each initialize. */
  declared: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

function askingServer(declared: AskingMcpServer['declared']): McpServer {
  const server = new McpServer({ name: 'asking', version: '1.0.0' });
  server.server.oninitialized = () => declared.push({ ...(server.server.getClientCapabilities() ?? {}) });
  server.registerTool('ask_model', { description: 'Asks the client model a question', inputSchema: {} }, async (_args, extra) => {
    const answer = await extra.sendRequest(
      { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'What is the answer?' } }], maxTokens: 50 } },
      CreateMessageResultSchema,
    );
    const content = Array.isArray(answer.content) ? answer.content[0] : answer.content;
    return { content: [{ type: 'text', text: `model said: ${content?.type === 'text' ? content.text : '?'}` }] };
  });
  server.registerTool('ask_user', { description: 'Asks the user for a colour', inputSchema: {} }, async (_args, extra) => {
    const answer = await extra.sendRequest(
      {
        method: 'elicitation/create',
        params: { mode: 'form', message: 'Pick a colour', requestedSchema: { type: 'object', properties: { colour: { type: 'string' } }, required: ['colour'] } },
      },
      ElicitResultSchema,
    );
    return { content: [{ type: 'text', text: `user ${answer.action}: ${String(answer.content?.colour ?? '-')}` }] };
  });
  server.registerTool('ask_twice', { description: 'Asks the client model, then the user', inputSchema: {} }, async (_args, extra) => {
    await extra.sendRequest({ method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'First?' } }], maxTokens: 50 } }, CreateMessageResultSchema);
    const answer = await extra.sendRequest(
      { method: 'elicitation/create', params: { mode: 'form', message: 'Second?', requestedSchema: { type: 'object', properties: { colour: { type: 'string' } } } } },
      ElicitResultSchema,
    );
    return { content: [{ type: 'text', text: `twice: ${String(answer.content?.colour ?? '-')}` }] };
  });
  server.registerTool('list_roots', { description: 'Lists the client roots', inputSchema: {} }, async (_args, extra) => {
    const answer = await extra.sendRequest({ method: 'roots/list' }, ListRootsResultSchema);
    return { content: [{ type: 'text', text: `roots: ${answer.roots.map((root) => root.uri).join(', ')}` }] };
  });
  return server;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

export async function startAskingMcpServer(): Promise<AskingMcpServer> {
  const declared: AskingMcpServer['declared'] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer((req, res) => {
    void (async () => {
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!transport) {
        const created = new StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID, onsessioninitialized: (id) => void sessions.set(id, created) });
        created.onclose = () => {
          if (created.sessionId) sessions.delete(created.sessionId);
        };
        await askingServer(declared).connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    declared,
    close: () =>
      new Promise<void>((resolve) => {
        for (const transport of sessions.values()) void transport.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
