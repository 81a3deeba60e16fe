import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { EmptyResultSchema, McpError, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../../config.js';
import { SwitchboardError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import type { RemoteResourceWatches } from '../../remoteMcp/ports.js';
import type { RemoteEndpoint } from '../../remoteMcp/variables.js';
import { Redactor } from '../../secrets/redaction.js';
import { cappedFetch, responseLimits } from '../boundedBody.js';
import { guardedFetch } from './client.js';
import { RemoteMcpError } from './toolResults.js';

/**
 * The standing sessions that hold a tools-mode server's resource subscriptions (docs/tools-mode.md):
 * one SDK client per remote connector and credential (`key`) in this process, shared by every
 * caller subscribed through it. A subscription lives on the remote server's session, so this is
 * the one place Switchboard keeps a connection open; it is bounded:
 * - at most MAX_SESSIONS sessions and MAX_URIS subscribed URIs each;
 * - a session nobody watches is closed after IDLE_CLOSE_MS;
 * - every answer, the standing GET stream included, is read within UPSTREAM_MAX_RESPONSE_BYTES
 *   (past it the stream breaks, and the session is opened again);
 * - a broken session (its stream failed, the server forgot it) is opened again after a backoff of
 *   1 s doubling to 30 s, and every URI still watched is subscribed again.
 */
const MAX_SESSIONS = 200;
const MAX_URIS = 1000;
const IDLE_CLOSE_MS = 60_000;
const RECONNECT_FIRST_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;
/** A session that lived this long before failing starts its backoff afresh. */
const HEALTHY_AFTER_MS = 60_000;
const CLIENT_INFO = { name: 'switchboard', version: '0.1.0' };

type Listener = (uri: string) => void;
type RemoteConfig = Pick<Config, 'egress' | 'upstream' | 'remoteMcp'>;

interface Watched {
  listeners: Set<Listener>;
  /** resources/subscribe sent on the current connection (shared by concurrent first watchers). */
  subscribed?: Promise<void>;
}

class StandingSession {
  private client?: Client;
  private connecting?: Promise<Client>;
  private readonly watched = new Map<string, Watched>();
  private idleTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private failures = 0;
  private connectedAt = 0;
  private closed = false;

  constructor(
    private readonly config: RemoteConfig,
    private readonly logger: Logger,
    private endpoint: RemoteEndpoint,
    private readonly forget: () => void,
  ) {}

  get idle(): boolean {
    return this.watched.size === 0;
  }

  async watch(endpoint: RemoteEndpoint, uri: string, listener: Listener): Promise<() => void> {
    this.endpoint = endpoint;
    clearTimeout(this.idleTimer);
    let entry = this.watched.get(uri);
    if (!entry) {
      if (this.watched.size >= MAX_URIS) throw new SwitchboardError('RATE_LIMITED', `${endpoint.url.host}: ${MAX_URIS} resources are subscribed already`, { limit: MAX_URIS });
      entry = { listeners: new Set() };
      this.watched.set(uri, entry);
    }
    entry.listeners.add(listener);
    const release = () => this.release(uri, listener);
    try {
      const client = await this.connected();
      entry.subscribed ??= this.subscribe(client, uri);
      await entry.subscribed;
    } catch (error) {
      // A refusal is this watcher's; the next one asks again.
      if (this.watched.get(uri) === entry) entry.subscribed = undefined;
      release();
      throw this.described(error, 'resources/subscribe');
    }
    return release;
  }

  private release(uri: string, listener: Listener): void {
    const entry = this.watched.get(uri);
    if (!entry?.listeners.delete(listener) || entry.listeners.size > 0) return;
    this.watched.delete(uri);
    const client = this.client;
    if (client && entry.subscribed) {
      void entry.subscribed
        .then(() => client.request({ method: 'resources/unsubscribe', params: { uri } }, EmptyResultSchema, this.options()))
        .catch(() => undefined);
    }
    this.armIdle();
  }

  /** notifications/resources/updated: to the watchers of that URI, or of a resource it is part of. */
  private updated(uri: string): void {
    const exact = this.watched.get(uri);
    const entries = exact ? [exact] : [...this.watched].filter(([watched]) => uri.startsWith(watched)).map(([, entry]) => entry);
    for (const entry of entries) for (const listener of entry.listeners) listener(uri);
  }

  private options() {
    return { timeout: this.config.remoteMcp.timeoutMs };
  }

  private async subscribe(client: Client, uri: string): Promise<void> {
    await client.request({ method: 'resources/subscribe', params: { uri } }, EmptyResultSchema, this.options());
  }

  private connected(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const endpoint = this.endpoint;
    let client: Client | undefined;
    const broken = (error: unknown) => {
      if (client && this.client === client) this.broke(client, error);
    };
    const transport = new StreamableHTTPClientTransport(endpoint.url, {
      requestInit: { headers: endpoint.headers },
      fetch: cappedFetch(guardedFetch(this.config), responseLimits(this.config).upstream, broken),
      // The standing GET stream is opened again by this session, not by the transport's own retries.
      reconnectionOptions: { initialReconnectionDelay: RECONNECT_FIRST_MS, maxReconnectionDelay: RECONNECT_MAX_MS, reconnectionDelayGrowFactor: 2, maxRetries: 0 },
    });
    client = new Client(CLIENT_INFO, { capabilities: {} });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      this.updated(new Redactor(endpoint.secrets).text(notification.params.uri));
    });
    // The transport reports a broken standing stream, a refused GET and a failed reconnection here.
    transport.onerror = broken;
    try {
      await client.connect(transport, { timeout: this.config.remoteMcp.timeoutMs });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    client.onerror = broken;
    client.onclose = () => broken(new Error('closed'));
    this.client = client;
    this.connectedAt = Date.now();
    return client;
  }

  /** The connection failed: drop it, and while anyone watches, open another and subscribe again. */
  private broke(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.close().catch(() => undefined);
    for (const entry of this.watched.values()) entry.subscribed = undefined;
    this.reconnectLater(error);
  }

  private reconnectLater(error: unknown): void {
    if (this.closed) return;
    if (this.idle) {
      this.close();
      return;
    }
    if (Date.now() - this.connectedAt >= HEALTHY_AFTER_MS) this.failures = 0;
    const delay = Math.min(RECONNECT_FIRST_MS * 2 ** this.failures, RECONNECT_MAX_MS);
    this.failures += 1;
    this.logger.info({ host: this.endpoint.url.host, delayMs: delay, reason: this.described(error, 'stream').message }, 'remote MCP standing session lost; reconnecting');
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.resubscribe(), delay).unref();
  }

  private async resubscribe(): Promise<void> {
    if (this.closed || this.idle) return;
    try {
      const client = await this.connected();
      await Promise.all(
        [...this.watched].map(([uri, entry]) => {
          entry.subscribed ??= this.subscribe(client, uri);
          return entry.subscribed.catch((error: unknown) => {
            this.logger.info({ host: this.endpoint.url.host, reason: this.described(error, 'resources/subscribe').message }, 'remote MCP server refused a subscription again');
          });
        }),
      );
    } catch (error) {
      this.reconnectLater(error);
    }
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (!this.idle || this.closed) return;
    this.idleTimer = setTimeout(() => {
      if (this.idle) this.close();
    }, IDLE_CLOSE_MS).unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.reconnectTimer);
    this.forget();
    const client = this.client;
    this.client = undefined;
    // DELETE ends the remote session, and with it our subscriptions there.
    const transport = client?.transport as StreamableHTTPClientTransport | undefined;
    void (transport?.terminateSession() ?? Promise.resolve())
      .catch(() => undefined)
      .finally(() => client?.close().catch(() => undefined));
  }

  /** Our error, scrubbed of the endpoint's secrets: the server's refusal, or why it could not be asked. */
  private described(error: unknown, what: string): SwitchboardError {
    if (error instanceof SwitchboardError) return error;
    const host = this.endpoint.url.host;
    const text = new Redactor(this.endpoint.secrets).text(error instanceof Error ? error.message : String(error)).slice(0, 2000);
    if (error instanceof McpError) return new RemoteMcpError(`${host} refused ${what}: ${text}`, false, { host, reason: 'rpc', mcpCode: error.code });
    return new RemoteMcpError(`Talking to ${host} failed: ${text}`, true, { host, reason: 'failed' });
  }
}

export function standingSessions(config: RemoteConfig, logger: Logger): RemoteResourceWatches {
  const sessions = new Map<string, StandingSession>();

  const sessionFor = (key: string, endpoint: RemoteEndpoint): StandingSession => {
    let session = sessions.get(key);
    if (session) return session;
    if (sessions.size >= MAX_SESSIONS) {
      const idle = [...sessions.values()].find((candidate) => candidate.idle);
      if (!idle) throw new SwitchboardError('RATE_LIMITED', `This process holds ${MAX_SESSIONS} standing remote sessions already`, { limit: MAX_SESSIONS });
      idle.close();
    }
    session = new StandingSession(config, logger, endpoint, () => {
      if (sessions.get(key) === session) sessions.delete(key);
    });
    sessions.set(key, session);
    return session;
  };

  return {
    watch: (key, endpoint, uri, updated) => sessionFor(key, endpoint).watch(endpoint, uri, updated),
    async close() {
      for (const session of [...sessions.values()]) session.close();
    },
  };
}
