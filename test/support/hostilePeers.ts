import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/**
 * Peers that answer too much, on 127.0.0.1: an OAuth token endpoint, a REST API and remote MCP
 * servers (hand-written JSON-RPC over Streamable HTTP, as a hostile server need not use the SDK)
 * whose answers are generated as they are sent, with back-pressure: the huge ones cost the reader
 * whatever it reads and this process almost nothing, and each records how much it got to send.
 */

const MB = 1024 * 1024;
const CHUNK = 'x'.repeat(64 * 1024);

/** What a remote MCP server at /mcp/<mode> lists and answers. */
export type HostileMcpMode =
  /** tools/list: one SSE event of `hugeBytes`. */
  | 'huge-list'
  /** tools/list: one tool per page, each `bigToolBytes` (200 pages). */
  | 'big-tools'
  /** tools/list: 200 tools of 20 KB, 10 per page: 4 MB in all, each page small. */
  | 'many-tools'
  /** tools/list: one small tool, `huge`; tools/call: a JSON answer of `hugeBytes`. */
  | 'huge-call';

export interface HostilePeers {
  url: string;
  /** The size of each huge answer (default 300 MB). */
  hugeBytes: number;
  /** The size of each tool in `big-tools` (default 1 MB). */
  bigToolBytes: number;
  /** `huge`: every answer as its route says; `small`: short answers on every route, to warm the same code paths up. */
  mode: 'huge' | 'small';
  /** Bytes each huge answer had produced when its reader stopped (or it ended), newest last. */
  sent: number[];
  close(): Promise<void>;
}

/** `head`, then filler up to `bytes`, then `tail`, produced only as fast as the reader takes it. */
function streamed(res: ServerResponse, peers: HostilePeers, head: string, bytes: number, tail: string): void {
  let produced = 0;
  const body = Readable.from(
    (function* () {
      yield head;
      produced += head.length;
      while (produced < bytes) {
        yield CHUNK;
        produced += CHUNK.length;
      }
      yield tail;
    })(),
  );
  res.on('close', () => {
    peers.sent.push(produced);
    body.destroy();
  });
  body.pipe(res);
}

async function jsonBody(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const tool = (name: string, descriptionBytes = 0) => ({ name, description: 'd'.repeat(descriptionBytes), inputSchema: { type: 'object' } });

function toolsPage(mode: HostileMcpMode, peers: HostilePeers, cursor: number): { tools: unknown[]; nextCursor?: string } {
  const next = (pages: number) => (cursor + 1 < pages ? { nextCursor: String(cursor + 1) } : {});
  if (mode === 'big-tools') return { tools: [tool(`big_${cursor}`, peers.bigToolBytes)], ...next(200) };
  if (mode === 'many-tools') return { tools: Array.from({ length: 10 }, (_, i) => tool(`many_${cursor * 10 + i}`, 20 * 1024)), ...next(20) };
  return { tools: [tool('huge')] };
}

async function answerMcp(req: IncomingMessage, res: ServerResponse, peers: HostilePeers, mode: HostileMcpMode): Promise<void> {
  if (req.method !== 'POST') return void res.writeHead(405).end();
  const message = await jsonBody(req);
  if (message.id === undefined) return void res.writeHead(202).end();
  const result = (value: unknown) => sendJson(res, 200, { jsonrpc: '2.0', id: message.id, result: value });
  switch (message.method) {
    case 'initialize':
      return result({ protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'hostile', version: '1.0.0' } });
    case 'tools/list':
      if (peers.mode === 'small') return result({ tools: [tool('huge')] });
      if (mode === 'huge-list') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const head = `event: message\ndata: {"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":{"tools":[{"name":"huge","inputSchema":{"type":"object"},"description":"`;
        return streamed(res, peers, head, peers.hugeBytes, '"}]}}\n\n');
      }
      return result(toolsPage(mode, peers, Number(message.params?.cursor ?? 0)));
    case 'tools/call': {
      if (peers.mode === 'small') return result({ content: [{ type: 'text', text: 'small' }] });
      res.writeHead(200, { 'content-type': 'application/json' });
      const head = `{"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":{"content":[{"type":"text","text":"`;
      return streamed(res, peers, head, peers.hugeBytes, '"}]}}');
    }
    default:
      return sendJson(res, 200, { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } });
  }
}

export async function startHostilePeers(): Promise<HostilePeers> {
  const peers: HostilePeers = { url: '', hugeBytes: 300 * MB, bigToolBytes: MB, mode: 'huge', sent: [], close: async () => undefined };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://peer').pathname;
    void (async () => {
      const mcp = /^\/mcp\/([a-z-]+)$/.exec(path);
      if (mcp) return answerMcp(req, res, peers, mcp[1] as HostileMcpMode);
      await jsonBody(req).catch(() => undefined);
      if (path === '/token') {
        if (peers.mode === 'small') return sendJson(res, 400, { error: 'invalid_grant' });
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        return streamed(res, peers, '{"token_type":"bearer","access_token":"', peers.hugeBytes, '"}');
      }
      if (path.startsWith('/rest/')) {
        if (peers.mode === 'small') return sendJson(res, 200, { items: [] });
        res.writeHead(200, { 'content-type': 'application/json' });
        return streamed(res, peers, '{"items":["', peers.hugeBytes, '"]}');
      }
      res.writeHead(404).end();
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peers.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peers.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return peers;
}
