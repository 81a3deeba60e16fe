import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An MCP registry of our own on 127.0.0.1 speaking the official Registry API: `GET /v0/servers`
 * (search in names, cursor, limit; entries wrapped as {server, _meta}, metadata.nextCursor) and
 * `GET /v0/servers/{name}/versions/{version}`. Entries are whatever the test gives, bad ones too.
 */
export interface McpRegistryServer {
  url: string;
  /** The query strings of every list request, to check what we sent. */
  listQueries: URLSearchParams[];
  close(): Promise<void>;
}

type Entry = Record<string, unknown>;

export async function startMcpRegistry(entries: Entry[]): Promise<McpRegistryServer> {
  const listQueries: URLSearchParams[] = [];
  const meta = { 'io.modelcontextprotocol.registry/official': { status: 'active', isLatest: true } };
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://registry');
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/v0/servers') {
      listQueries.push(url.searchParams);
      const search = url.searchParams.get('search') ?? '';
      const limit = Number(url.searchParams.get('limit') ?? '30');
      const start = Number(url.searchParams.get('cursor') ?? '0');
      const matching = entries.filter((entry) => String(entry.name ?? '').includes(search));
      const page = matching.slice(start, start + limit);
      const next = start + limit < matching.length ? String(start + limit) : undefined;
      send(200, { servers: page.map((server) => ({ server, _meta: meta })), metadata: { count: page.length, ...(next ? { nextCursor: next } : {}) } });
      return;
    }
    const version = /^\/v0\/servers\/([^/]+)\/versions\/([^/]+)$/.exec(url.pathname);
    if (version) {
      const [name, wanted] = [decodeURIComponent(version[1]!), decodeURIComponent(version[2]!)];
      const entry = entries.find((candidate) => candidate.name === name && candidate.version === wanted);
      send(entry ? 200 : 404, entry ? { server: entry, _meta: meta } : { title: 'Not Found', status: 404 });
      return;
    }
    send(404, { title: 'Not Found', status: 404 });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    listQueries,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
