/**
 * The conformance test server: an MCP server of our own, written with the official SDK v2
 * (scripts/conformance/serverFeatures.ts has what it offers), that the suite's server scenarios
 * are run against directly, and through a tools-mode Switchboard server that has it assigned as a
 * remote MCP connector (scripts/conformance/toolsMode.ts). One URL serves both wires, as the SDK
 * routes them: 2026-07-28 requests (stateless, `_meta` envelope) through `createMcpHandler`,
 * 2025-era ones through a session per `initialize` (Mcp-Session-Id, resumable SSE streams with an
 * in-memory event store). Requests whose Host or Origin is not a loopback name are refused, as a
 * local server must (dns-rebinding-protection).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMcpHandler,
  createRequestStateCodec,
  InMemoryServerEventBus,
  isLegacyRequest,
  WebStandardStreamableHTTPServerTransport,
  type EventStore,
  type JSONRPCMessage,
} from '@modelcontextprotocol/server';
import { conformanceMcpServer, type FeatureState } from './serverFeatures.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function loopback(value: string | undefined, asUrl: boolean): boolean {
  if (value === undefined) return true;
  try {
    return LOOPBACK.has(new URL(asUrl ? value : `http://${value}`).hostname);
  } catch {
    return false;
  }
}

/** Every event of every stream, so a client that lost a stream resumes it with Last-Event-ID. */
function memoryEventStore(): EventStore {
  const events: Array<{ id: string; streamId: string; message: JSONRPCMessage }> = [];
  return {
    storeEvent(streamId, message) {
      const id = `${streamId}_${events.length}`;
      events.push({ id, streamId, message });
      return Promise.resolve(id);
    },
    async replayEventsAfter(lastEventId, { send }) {
      const index = events.findIndex((event) => event.id === lastEventId);
      const streamId = index >= 0 ? events[index]!.streamId : '';
      for (const event of events.slice(index + 1)) if (event.streamId === streamId) await send(event.id, event.message);
      return streamId;
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function webRequest(req: IncomingMessage, body: string | undefined): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, { method: req.method, headers, ...(body ? { body } : {}) });
}

/** Writes a web Response to Node's, streaming its body (SSE) as it comes. */
async function send(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.flushHeaders();
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  res.on('close', () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    res.write(value);
  }
  res.end();
}

function parsed(body: string): unknown {
  try {
    return body ? (JSON.parse(body) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

export interface ConformanceServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the conformance test server on 127.0.0.1 (a free port); its MCP endpoint is `url`. */
export async function startConformanceServer(): Promise<ConformanceServer> {
  const bus = new InMemoryServerEventBus();
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  const state: FeatureState = {
    subscriptions: new Set(),
    extraTools: 0,
    extraPrompts: 0,
    listChanged(kind) {
      bus.publish({ kind: kind === 'tools' ? 'tools_list_changed' : 'prompts_list_changed' });
    },
  };
  const codec = createRequestStateCodec({ key: randomBytes(32), ttlSeconds: 600 });
  const modern = createMcpHandler(() => conformanceMcpServer(state, codec).server, { legacy: 'reject', bus });

  async function legacy(request: Request, body: unknown): Promise<Response> {
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId) {
      const transport = sessions.get(sessionId);
      if (!transport) return Response.json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }, { status: 404 });
      return transport.handleRequest(request, { parsedBody: body });
    }
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore: memoryEventStore(),
      retryInterval: 100,
      onsessioninitialized: (id) => void sessions.set(id, transport),
      onsessionclosed: (id) => void sessions.delete(id),
    });
    const server = conformanceMcpServer(state, codec);
    const unsubscribe = bus.subscribe?.((event) => {
      if (event.kind === 'tools_list_changed') server.sendToolListChanged();
      if (event.kind === 'prompts_list_changed') server.sendPromptListChanged();
    });
    transport.onclose = () => unsubscribe?.();
    await server.connect(transport);
    return transport.handleRequest(request, { parsedBody: body });
  }

  const http = createServer((req, res) => {
    void (async () => {
      if (!loopback(req.headers.host, false) || !loopback(req.headers.origin, true)) {
        res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32600, message: 'Host or Origin is not a loopback name' }, id: null }));
        return;
      }
      const text = req.method === 'POST' ? await readBody(req) : undefined;
      const request = webRequest(req, text);
      const body = text === undefined ? undefined : parsed(text);
      const response = (await isLegacyRequest(request.clone(), body)) ? await legacy(request, body) : await modern.fetch(request, body === undefined ? {} : { parsedBody: body });
      await send(response, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    async close() {
      await Promise.all([...sessions.values()].map((transport) => transport.close()));
      await modern.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

// Run on its own (node --import tsx scripts/conformance/server.ts) it prints its URL and serves until stopped.
if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startConformanceServer();
  console.log(server.url);
}
