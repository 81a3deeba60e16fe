import { createHash } from 'node:crypto';
import {
  deleteResourceSubscription,
  insertResourceSubscription,
  listResourceSubscriptions,
  type SubscriptionOwner,
} from '../db/repositories/resourceSubscriptions.js';
import type { RemoteMcpConnectorRow } from '../db/tables/remoteMcpConnectors.js';
import { NotFoundError, SwitchboardError } from '../errors.js';
import type { RemoteMcpDependencies } from './ports.js';
import { userEndpoint } from './signIn.js';
import { resolveEndpoint, type RemoteEndpoint } from './variables.js';

/**
 * A tools-mode caller's subscriptions to its remote MCP servers' resources (docs/tools-mode.md).
 * resources/subscribe is decided like a read: only the remote servers the one policy offers this
 * caller are asked (the rows handed in, from src/api/mcp/toolsMode.ts), the first that offers
 * subscriptions and accepts the URI takes it. The subscription is a row (the caller's session,
 * server, remote server and URI); the API process holding the session's standing GET stream
 * subscribes it on its standing session with that remote server (the RemoteResourceWatches port)
 * and writes each update on the stream. Rows go with the session.
 */

/** Subscriptions one session may hold: each is a URI on a standing remote session. */
const MAX_PER_SESSION = 100;

/** The standing session's key: one per remote server and the credential it is reached with. */
function watchKey(row: RemoteMcpConnectorRow, endpoint: RemoteEndpoint): string {
  const credential = createHash('sha256').update(`${endpoint.url.href}\n${JSON.stringify(endpoint.headers)}`).digest('hex');
  return `${row.id}:${credential}`;
}

/** Stdio servers run per call in a sandbox: nothing there to hold a subscription. */
const subscribable = (rows: readonly RemoteMcpConnectorRow[]) => rows.filter((row) => row.type !== 'stdio').sort((a, b) => a.id.localeCompare(b.id));

/** Whether the server declared `resources.subscribe` when its tools were listed (the capabilities kept with the list). */
const offersSubscriptions = (row: RemoteMcpConnectorRow) => (row.capabilities?.resources as { subscribe?: unknown } | undefined)?.subscribe === true;

async function endpointOf(deps: RemoteMcpDependencies, owner: { accountId: string; userId: string }, row: RemoteMcpConnectorRow): Promise<{ endpoint: RemoteEndpoint; key: string }> {
  const endpoint = row.type === 'oauth' ? await userEndpoint(deps, owner, row) : await resolveEndpoint(deps, row);
  return { endpoint, key: watchKey(row, endpoint) };
}

/** The standing GET streams this process holds, by session: where a subscription made here takes effect at once. */
const localStreams = new Map<string, SessionSubscriptions>();

export function resourceSubscriptions(deps: RemoteMcpDependencies, owner: Omit<SubscriptionOwner, 'sessionId'>, rows: readonly RemoteMcpConnectorRow[]) {
  const servers = subscribable(rows);
  return {
    /** Whether any offered remote server offers subscriptions, as it declared when its tools were listed: no connection. */
    offered(): boolean {
      return servers.some(offersSubscriptions);
    },

    /** resources/subscribe: recorded for the session and forwarded to the first remote server that takes it. */
    async subscribe(sessionId: string, uri: string): Promise<void> {
      const session = { ...owner, sessionId };
      const held = await listResourceSubscriptions(deps.db, session);
      if (held.some((row) => row.uri === uri)) return;
      if (held.length >= MAX_PER_SESSION) throw new SwitchboardError('RATE_LIMITED', `A session may hold ${MAX_PER_SESSION} resource subscriptions`, { limit: MAX_PER_SESSION });
      let failure: SwitchboardError | undefined;
      for (const row of servers.filter(offersSubscriptions)) {
        try {
          const { endpoint, key } = await endpointOf(deps, session, row);
          const stream = localStreams.get(sessionId);
          if (stream) {
            // Recorded first, so the stream's own sync, running meanwhile, keeps what this attaches.
            await insertResourceSubscription(deps.db, session, row.id, uri);
            await stream.attach(row, key, endpoint, uri).catch(async (error: unknown) => {
              await deleteResourceSubscription(deps.db, session, uri, row.id);
              throw error;
            });
          } else {
            // The stream is held elsewhere (or not open yet): the server is asked here, and the holder subscribes on its next look.
            const release = await deps.remoteMcp.resourceWatches.watch(key, endpoint, uri, () => undefined);
            await insertResourceSubscription(deps.db, session, row.id, uri);
            release();
          }
          return;
        } catch (error) {
          if (!(error instanceof SwitchboardError)) throw error;
          failure ??= error;
        }
      }
      throw failure && servers.length === 1 ? failure : new NotFoundError(`No remote server offers subscriptions to ${uri}`, { uri });
    },

    /** resources/unsubscribe: the rows go; the remote server is told once no one here watches the URI. */
    async unsubscribe(sessionId: string, uri: string): Promise<void> {
      await deleteResourceSubscription(deps.db, { ...owner, sessionId }, uri);
      localStreams.get(sessionId)?.detach(uri);
    },
  };
}

export type ResourceSubscriptions = ReturnType<typeof resourceSubscriptions>;

/**
 * The subscriptions of one session whose standing GET stream this process holds: kept in step
 * with the session's rows and with what the policy offers it (`sync`, on the stream's every look),
 * each watched on the standing session of its remote server and credential, each update passed to
 * `notify`. Closed with the stream; the rows stay for the session's next stream.
 */
export class SessionSubscriptions {
  private readonly held = new Map<string, { key: string; release: Promise<() => void>; at: number }>();
  /** When each subscription was last let go here, so a look that began before does not take it up again. */
  private readonly dropped = new Map<string, number>();
  /** Counts attaches and detaches: what a look saw is older than what happened since it began. */
  private clock = 0;
  private closed = false;

  constructor(
    private readonly deps: RemoteMcpDependencies,
    private readonly owner: SubscriptionOwner,
    private readonly notify: (uri: string) => void,
  ) {
    localStreams.get(owner.sessionId)?.close();
    localStreams.set(owner.sessionId, this);
  }

  private static id(row: { id: string }, uri: string): string {
    return `${row.id}\n${uri}`;
  }

  /** Watches `uri` on the standing session under `key`; a watch under an older key (another credential) is let go. */
  attach(row: RemoteMcpConnectorRow, key: string, endpoint: RemoteEndpoint, uri: string): Promise<unknown> {
    if (this.closed) return Promise.resolve();
    const id = SessionSubscriptions.id(row, uri);
    const current = this.held.get(id);
    if (current?.key === key) return current.release;
    if (current) this.let(id);
    this.dropped.delete(id);
    const release = this.deps.remoteMcp.resourceWatches.watch(key, endpoint, uri, (updated) => {
      if (!this.closed) this.notify(updated);
    });
    this.held.set(id, { key, release, at: ++this.clock });
    release.catch(() => {
      if (this.held.get(id)?.release === release) this.held.delete(id);
    });
    return release;
  }

  detach(uri: string): void {
    for (const id of [...this.held.keys()]) if (id.endsWith(`\n${uri}`)) this.let(id);
  }

  private let(id: string): void {
    const entry = this.held.get(id);
    this.held.delete(id);
    this.dropped.set(id, ++this.clock);
    void entry?.release.then((release) => release()).catch(() => undefined);
  }

  /** In step with the session's rows, for the remote servers the policy offers it now. */
  async sync(offered: readonly RemoteMcpConnectorRow[]): Promise<void> {
    if (this.closed) return;
    const began = this.clock;
    const rows = await listResourceSubscriptions(this.deps.db, this.owner);
    const servers = new Map(subscribable(offered).map((row) => [row.id, row]));
    const wanted = new Set<string>();
    const endpoints = new Map<string, Promise<{ endpoint: RemoteEndpoint; key: string }>>();
    const attaching: Array<Promise<unknown>> = [];
    for (const subscription of rows) {
      const row = servers.get(subscription.mcp_connector_id);
      const id = row && SessionSubscriptions.id(row, subscription.uri);
      if (!row || !id || (this.dropped.get(id) ?? 0) > began) continue;
      wanted.add(id);
      if (!endpoints.has(row.id)) endpoints.set(row.id, endpointOf(this.deps, this.owner, row));
      // A server that cannot be reached or refuses now is asked again on the next look.
      attaching.push(endpoints.get(row.id)!.then(({ endpoint, key }) => this.attach(row, key, endpoint, subscription.uri)).catch(() => undefined));
    }
    await Promise.all(attaching);
    if (this.closed) return;
    for (const [id, entry] of [...this.held]) if (!wanted.has(id) && entry.at <= began) this.let(id);
    for (const [id, at] of [...this.dropped]) if (at <= began) this.dropped.delete(id);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (localStreams.get(this.owner.sessionId) === this) localStreams.delete(this.owner.sessionId);
    for (const id of [...this.held.keys()]) this.let(id);
  }
}
