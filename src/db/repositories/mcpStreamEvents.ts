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

export interface StoredStreamEvent {
  seq: string;
  message: string | null;
  ends_stream: boolean;
}

/** Records one event of the owner's stream; its seq, which orders the stream's events. */
export async function insertStreamEvent(
  db: Db,
  owner: StreamOwner,
  event: { streamId: string; message: string | null; endsStream: boolean },
): Promise<string> {
  const row = await db
    .insertInto('mcp_stream_events')
    .values({
      stream_id: event.streamId,
      account_id: owner.accountId,
      user_id: owner.userId,
      server_id: owner.serverId,
      session_id: owner.sessionId,
      message: event.message,
      ends_stream: event.endsStream,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return String(row.seq);
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

/** Whether event `seq` of the stream is the owner's: another caller's, or an expired one, is no event. */
export async function ownsStreamEvent(db: Db, owner: StreamOwner, streamId: string, seq: string): Promise<boolean> {
  const row = await db.selectFrom('mcp_stream_events').select('seq').where('seq', '=', seq).where(ownersEvents(owner, streamId)).executeTakeFirst();
  return row !== undefined;
}

/** The owner's events of the stream after `afterSeq`, in order, at most `limit`. */
export async function readStreamEventsAfter(db: Db, owner: StreamOwner, streamId: string, afterSeq: string, limit: number): Promise<StoredStreamEvent[]> {
  const rows = await db
    .selectFrom('mcp_stream_events')
    .select(['seq', 'message', 'ends_stream'])
    .where('seq', '>', afterSeq)
    .where(ownersEvents(owner, streamId))
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...row, seq: String(row.seq) }));
}

/** Events recorded before `before` (the scheduled cleanup); returns how many went. */
export async function deleteStreamEventsBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('mcp_stream_events').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
