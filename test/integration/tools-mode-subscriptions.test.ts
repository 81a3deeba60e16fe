import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { McpError, ResourceUpdatedNotificationSchema, SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { until } from '../support/faults.js';
import { api, connectMcp, connectMcpV2 } from '../support/mcp.js';
import { startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

/**
 * Resource subscriptions through a tools-mode server (docs/tools-mode.md): a 2025-11-25 caller
 * subscribes to a remote server's resource, Switchboard records it and subscribes on its standing
 * session with the remote server, and the remote's notifications/resources/updated reach the
 * caller's GET stream; unsubscribing stops them and unsubscribes remotely. The remote is a real
 * SDK server on 127.0.0.1 that keeps sessions, as a server offering subscriptions must.
 */

interface WatchedServer {
  url: string;
  /** The URIs each remote session is subscribed to. */
  subscriptions: Map<string, Set<string>>;
  /** HTTP requests received. */
  requests(): number;
  /** The resource changed: each session subscribed to it is told. */
  touch(uri: string): Promise<void>;
  close(): Promise<void>;
}

const WATCHED = 'test://watched';

async function startWatchedServer(apiKey: string): Promise<WatchedServer> {
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();
  const subscriptions = new Map<string, Set<string>>();
  let requests = 0;
  const http: Server = createServer((req, res) => {
    requests += 1;
    void (async () => {
      if (req.headers['x-api-key'] !== apiKey) return void res.writeHead(401).end();
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      const known = sessions.get(String(req.headers['mcp-session-id'] ?? ''));
      if (known) return known.transport.handleRequest(req, res, body);
      const server = new McpServer({ name: 'watched', version: '1.0.0' }, { capabilities: { resources: { subscribe: true } } });
      server.registerTool('ping_watched', { description: 'Answers pong', inputSchema: {} }, () => ({ content: [{ type: 'text', text: 'pong' }] }));
      server.registerResource('watched', WATCHED, { mimeType: 'text/plain' }, (uri) => ({ contents: [{ uri: uri.href, text: 'watched' }] }));
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, { transport, server });
          subscriptions.set(id, new Set());
        },
        onsessionclosed: (id) => {
          sessions.delete(id);
          subscriptions.delete(id);
        },
      });
      const own = () => subscriptions.get(transport.sessionId ?? '') ?? new Set<string>();
      server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
        if (request.params.uri !== WATCHED) throw new McpError(-32602, `Resource not found: ${request.params.uri}`);
        own().add(request.params.uri);
        return {};
      });
      server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
        own().delete(request.params.uri);
        return {};
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    subscriptions,
    requests: () => requests,
    async touch(uri) {
      for (const [id, uris] of subscriptions) if (uris.has(uri)) await sessions.get(id)?.server.server.sendResourceUpdated({ uri });
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

describe('tools mode: resource subscriptions relayed', () => {
  let app: TestApp;
  let watched: WatchedServer;
  let other: RemoteMcpServer;
  let accessUrl: string;
  let otherUrl: string;
  const subscribedRemotely = () => [...watched.subscriptions.values()].filter((uris) => uris.has(WATCHED)).length;

  beforeAll(async () => {
    [app, watched, other] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startWatchedServer('watched-secret-key-0123456789'), startRemoteMcpServer()]);
    const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
    const connector = await call('POST', '/api/mcp-connectors', { name: 'Watched', url: watched.url, headers: { 'x-api-key': 'watched-secret-key-0123456789' } });
    expect(connector.status).toBe(201);
    const server = await call('POST', '/api/servers', { name: 'subscriptions', mode: 'tools' });
    expect((await call('POST', `/api/servers/${server.body.serverId}/connectors`, { mcpConnectorId: connector.body.id })).status).toBe(200);
    accessUrl = server.body.accessUrl;
    // A server not assigned the watched connector: its callers are not allowed it, only another remote server (without subscriptions).
    const otherConnector = await call('POST', '/api/mcp-connectors', { name: 'Other', url: other.url, headers: { 'x-api-key': other.apiKey } });
    const otherServer = await call('POST', '/api/servers', { name: 'no subscriptions', mode: 'tools' });
    expect((await call('POST', `/api/servers/${otherServer.body.serverId}/connectors`, { mcpConnectorId: otherConnector.body.id })).status).toBe(200);
    otherUrl = otherServer.body.accessUrl;
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([watched?.close(), other?.close()]);
  });

  it('initialize declares resources.subscribe from the capabilities learnt with the tool list, asking the remote server nothing', async () => {
    // A 2026-07-28 caller's tools/list has the remote server's tools listed, and its capabilities kept with them.
    const discovering = await connectMcpV2(accessUrl);
    expect((await discovering.listTools()).tools.map((tool) => tool.name)).toEqual(['ping_watched']);
    await discovering.close();
    const row = await app.database.db.selectFrom('mcp_connectors').select('capabilities').where('name', '=', 'Watched').executeTakeFirstOrThrow();
    expect(row.capabilities).toMatchObject({ resources: { subscribe: true } });

    const before = watched.requests();
    const client = await connectMcp(accessUrl);
    try {
      expect(client.getServerCapabilities()?.resources?.subscribe).toBe(true);
      expect(watched.requests()).toBe(before);
    } finally {
      await client.close();
    }
  });

  it('subscribe: the remote updates reach the caller; unsubscribe: they stop, and the remote is unsubscribed', async () => {
    const client = await connectMcp(accessUrl);
    try {
      expect(client.getServerCapabilities()?.resources?.subscribe).toBe(true);
      const updates: string[] = [];
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
        updates.push(notification.params.uri);
      });
      await client.subscribeResource({ uri: WATCHED });
      await until(() => subscribedRemotely() > 0, 'the remote server subscribed');
      await watched.touch(WATCHED);
      await until(() => updates.length > 0, 'notifications/resources/updated on the GET stream');
      expect(updates).toEqual([WATCHED]);

      await client.unsubscribeResource({ uri: WATCHED });
      await until(() => subscribedRemotely() === 0, 'the remote server unsubscribed');
      await watched.touch(WATCHED);
      // A read after the touch: had an update been relayed, it would be on the stream by now (it went first).
      await client.readResource({ uri: WATCHED });
      expect(updates).toEqual([WATCHED]);
    } finally {
      await client.close();
    }
  });

  it('a URI the remote server does not have is refused, naming it', async () => {
    const client = await connectMcp(accessUrl);
    try {
      await expect(client.subscribeResource({ uri: 'test://missing' })).rejects.toMatchObject({ code: -32602, data: { uri: 'test://missing' } });
    } finally {
      await client.close();
    }
  });

  it('a caller not allowed the remote connector gets an error', async () => {
    const client = await connectMcp(otherUrl);
    try {
      expect(client.getServerCapabilities()?.resources?.subscribe).toBeUndefined();
      await expect(client.subscribeResource({ uri: WATCHED })).rejects.toMatchObject({ code: -32602, data: { uri: WATCHED } });
    } finally {
      await client.close();
    }
  });

  it('a session that ends takes its subscriptions with it', async () => {
    const client = await connectMcp(accessUrl);
    await client.subscribeResource({ uri: WATCHED });
    await until(() => subscribedRemotely() > 0, 'the remote server subscribed');
    const transport = client.transport as StreamableHTTPClientTransport;
    const sessionId = transport.sessionId!;
    await transport.terminateSession();
    await client.close();
    const rows = await app.database.db.selectFrom('resource_subscriptions').selectAll().where('session_id', '=', sessionId).execute();
    expect(rows).toEqual([]);
    await until(() => subscribedRemotely() === 0, 'the remote server unsubscribed once the stream closed');
  });
});
