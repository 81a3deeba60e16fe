import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../connect.js';
import type { Database } from '../database.js';

/** How long a stream's events stay resumable (the worker's cleanup deletes older ones). */
export const STREAM_EVENTS_TTL_MS = 3_600_000;

/** Whose stream it is: the caller (account, user), the server, and the MCP session if it had one. */
export interface StreamOwner {
  accountId: string;
  userId: string;
  serverId: string;
  sessionId: string | null;
}

export interface StreamEvent {
  streamId: string;
  /** Its place in the stream: 0 is the priming event. */
  ordinal: number;
  message: string | null;
  /** The last response of the POST's requests: the stream ends after it. */
  endsStream: boolean;
}

/** Records events of the owner's stream, in one statement. */
export async function insertStreamEvents(db: Db, owner: StreamOwner, events: readonly StreamEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('mcp_stream_events')
    .values(events.map((event) => ({
      stream_id: event.streamId,
      ordinal: event.ordinal,
      account_id: owner.accountId,
      user_id: owner.userId,
      server_id: owner.serverId,
      session_id: owner.sessionId,
      message: event.message,
      ends_stream: event.endsStream,
    })))
    .execute();
}

/** The owner's events of one stream: a session's stream is its session's alone. */
const ownersEvents = (owner: StreamOwner, streamId: string) => (eb: ExpressionBuilder<Database, 'mcp_stream_events'>) =>
  eb.and([
    eb('stream_id', '=', streamId),
    eb('account_id', '=', owner.accountId),
    eb('user_id', '=', owner.userId),
    eb('server_id', '=', owner.serverId),
    owner.sessionId === null ? eb('session_id', 'is', null) : eb('session_id', '=', owner.sessionId),
  ]);

/** Whether event `ordinal` of the stream is the owner's: another caller's, or an expired one, is no event. */
export async function ownsStreamEvent(db: Db, owner: StreamOwner, streamId: string, ordinal: number): Promise<boolean> {
  const row = await db.selectFrom('mcp_stream_events').select('ordinal').where('ordinal', '=', ordinal).where(ownersEvents(owner, streamId)).executeTakeFirst();
  return row !== undefined;
}

/** The owner's events of the stream after `afterOrdinal`, in order, at most `limit`. */
export async function readStreamEventsAfter(db: Db, owner: StreamOwner, streamId: string, afterOrdinal: number, limit: number): Promise<StreamEvent[]> {
  const rows = await db
    .selectFrom('mcp_stream_events')
    .select(['ordinal', 'message', 'ends_stream'])
    .where('ordinal', '>', afterOrdinal)
    .where(ownersEvents(owner, streamId))
    .orderBy('ordinal')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ streamId, ordinal: row.ordinal, message: row.message, endsStream: row.ends_stream }));
}

/** Events recorded before `before` (the scheduled cleanup); returns how many went. */
export async function deleteStreamEventsBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('mcp_stream_events').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
