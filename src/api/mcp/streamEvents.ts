import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isJSONRPCRequest, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from 'koa';
import type { Db } from '../../db/connect.js';
import { insertStreamEvents, ownsStreamEvent, readStreamEventsAfter, STREAM_EVENTS_TTL_MS, type StreamEvent, type StreamOwner } from '../../db/repositories/mcpStreamEvents.js';
import { NotFoundError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';

/**
 * Resumable 2025-11-25 response streams (SEP-1699). A POST's SSE stream opens with a priming event
 * (an id, empty data) and a `retry` interval; every event after it gets an id. The process
 * answering the POST keeps them while its client is there, and records them in mcp_stream_events
 * only when the client leaves before the last response (then every later one as it comes): a call
 * whose stream ends as it should costs no statement. A client whose stream broke comes back with GET and Last-Event-ID, to any
 * API process: resumeStream replays what followed that event, and waits for the rest, which the
 * process still answering the POST records as it goes. Only the stream's owner (the same caller,
 * server and session) may replay it. The events are the answers of that caller's calls: they are
 * never logged, and kept an hour (src/worker/cleanup.ts).
 */

/** How long a client waits before it reconnects (the priming event's `retry`, in ms). */
export const STREAM_RETRY_MS = 1_000;
/** Past this many events a stream's further notifications and requests go out live only (no id); its responses are always kept. */
const MAX_EVENTS_PER_STREAM = 500;
/** A notification or request larger than this goes out live only. */
const MAX_EVENT_BYTES = 1_048_576;
/** One resumed GET waits at most this long for more of its stream, then ends; the client comes back after `retry`. */
const RESUME_HOLD_MS = 20_000;
/** Past this many bytes of kept events a stream's events are recorded as they come, not kept in memory. */
const MAX_KEPT_BYTES = 8 * 1_048_576;
/** A resumed GET that finds its stream not recorded yet (its POST's process records it as it sees the client leave) looks again for this long. */
const FIND_STREAM_MS = 1_000;
/** Events read per query while replaying. */
const REPLAY_PAGE = 100;
/** Polling for the next events: from the first interval, doubling up to the last. */
const POLL_MS = { first: 50, last: 1_000 };

/** An event id: the stream (the transport's random UUID) and the event's seq. */
const EVENT_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,6})$/;
const eventIdOf = (streamId: string, ordinal: number) => `${streamId}.${ordinal}`;

/**
 * The event store of one POST's transport: this process alone writes the stream, so it numbers
 * and bounds the stream's events itself. While the client is there they are kept here, in order;
 * once it leaves early (or they outgrow MAX_KEPT_BYTES) they are recorded, and every later one as
 * it comes, one at a time, so a reader tailing the stream never sees a later one before an earlier
 * one. A store that fails (the database is away) does not fail the call: that event goes out live only.
 */
export class PostStreamEvents implements EventStore {
  private readonly unanswered: Set<RequestId>;
  private queue: Promise<unknown> = Promise.resolve();
  private next = 0;
  private primed = false;
  /** Events not recorded yet; undefined once they are recorded as they come. */
  private kept: StreamEvent[] | undefined = [];
  private keptBytes = 0;
  private readonly answered: Promise<void>;
  private markAnswered!: () => void;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly owner: StreamOwner,
    body: unknown,
  ) {
    const messages: unknown[] = Array.isArray(body) ? body : [body];
    this.unanswered = new Set(messages.filter((message) => isJSONRPCRequest(message as JSONRPCMessage)).map((message) => (message as { id: RequestId }).id));
    this.answered = new Promise((resolve) => (this.markAnswered = resolve));
  }

  storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    return this.inTurn(() => this.store(streamId, message));
  }

  /** Replay goes through resumeStream, which follows streams other processes are writing; the SDK's replay is never reached. */
  replayEventsAfter(): Promise<string> {
    return Promise.reject(new Error('resumed streams are served by resumeStream'));
  }

  /**
   * The client's connection closed. Its stream ended as it should (`finished`): nothing to keep.
   * Else, if it can resume (it was sent a priming event), its stream is recorded, and the transport
   * may close once every request of the POST is answered and recorded, or after
   * STREAM_EVENTS_TTL_MS, when no one could resume it any more, or when the process stops.
   */
  async leftByClient(finished: boolean, stopping?: AbortSignal): Promise<void> {
    if (finished || !this.primed || stopping?.aborted) {
      this.kept = finished ? [] : this.kept;
      return;
    }
    await this.inTurn(() => this.record());
    if (this.unanswered.size === 0) return;
    const gaveUp = new AbortController();
    const stop = () => gaveUp.abort();
    stopping?.addEventListener('abort', stop, { once: true });
    await Promise.race([this.answered, sleep(STREAM_EVENTS_TTL_MS, undefined, { signal: gaveUp.signal, ref: false }).catch(() => undefined)]);
    stopping?.removeEventListener('abort', stop);
    gaveUp.abort();
  }

  /** Runs after everything queued before it: the stream's events are kept and recorded in the order sent. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const done = this.queue.then(work);
    this.queue = done.catch(() => undefined);
    return done;
  }

  /** From now on every event is recorded as it comes; those kept so far first. */
  private async record(): Promise<void> {
    const kept = this.kept;
    if (!kept) return;
    this.kept = undefined;
    try {
      await insertStreamEvents(this.db, this.owner, kept);
    } catch (error) {
      this.logger.warn({ err: error }, 'recording a stream for its client to resume failed; it cannot be resumed');
    }
  }

  private async store(streamId: string, message: JSONRPCMessage): Promise<string> {
    const priming = !('jsonrpc' in message);
    const id = 'id' in message && ('result' in message || 'error' in message) ? message.id : undefined;
    const response = id !== undefined && this.unanswered.delete(id);
    const text = priming ? null : JSON.stringify(message);
    const bytes = text === null ? 0 : Buffer.byteLength(text);
    // An empty id makes the SDK write the event without one: sent, but not resumable from.
    if (!priming && !response && (this.next >= MAX_EVENTS_PER_STREAM || bytes > MAX_EVENT_BYTES)) return '';
    const event: StreamEvent = { streamId, ordinal: this.next, message: text, endsStream: response && this.unanswered.size === 0 };
    this.next += 1;
    try {
      if (this.kept && this.keptBytes + bytes <= MAX_KEPT_BYTES) {
        this.kept.push(event);
        this.keptBytes += bytes;
      } else {
        await this.record();
        await insertStreamEvents(this.db, this.owner, [event]);
      }
      if (priming) this.primed = true;
      return eventIdOf(streamId, event.ordinal);
    } catch (error) {
      // The message itself is the caller's answer: never logged.
      this.logger.warn({ err: error, streamId }, 'recording a stream event failed; it is sent without an id');
      return '';
    } finally {
      if (event.endsStream) this.markAnswered();
    }
  }
}

/**
 * GET with Last-Event-ID: the owner's stream after that event, as it is recorded, until its last
 * response or RESUME_HOLD_MS. Another caller's event id, an expired or malformed one, is 404.
 */
export async function resumeStream(ctx: Context, db: Db, owner: StreamOwner, lastEventId: string): Promise<void> {
  const cursor = EVENT_ID.exec(lastEventId);
  if (!cursor || !(await streamFound(db, owner, cursor[1]!, Number(cursor[2])))) {
    throw new NotFoundError('No stream to resume by that Last-Event-ID: it expired, or it is not this session\'s');
  }
  const streamId = cursor[1]!;
  let ordinal = Number(cursor[2]);
  ctx.respond = false;
  const res = ctx.res;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  // The cursor again, with `retry`: a client this GET ends before anything new keeps its place.
  res.write(`id: ${lastEventId}\nretry: ${STREAM_RETRY_MS}\ndata: \n\n`);
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  const holdUntil = Date.now() + RESUME_HOLD_MS;
  let pause = POLL_MS.first;
  let ended = false;
  while (!ended && !gone.signal.aborted) {
    const events = await readStreamEventsAfter(db, owner, streamId, ordinal, REPLAY_PAGE);
    for (const event of events) {
      ordinal = event.ordinal;
      res.write(event.message === null ? `id: ${eventIdOf(streamId, ordinal)}\ndata: \n\n` : `event: message\nid: ${eventIdOf(streamId, ordinal)}\ndata: ${event.message}\n\n`);
      ended ||= event.endsStream;
    }
    if (ended || events.length === REPLAY_PAGE) continue;
    pause = events.length > 0 ? POLL_MS.first : Math.min(pause * 2, POLL_MS.last);
    if (Date.now() + pause > holdUntil) break;
    await sleep(pause, undefined, { signal: gone.signal }).catch(() => undefined);
  }
  res.end();
}

/**
 * Whether the owner's stream holds that event, looked for again for FIND_STREAM_MS: a client may
 * come back to another process before the one answering its POST has recorded the stream.
 */
async function streamFound(db: Db, owner: StreamOwner, streamId: string, ordinal: number): Promise<boolean> {
  const giveUpAt = Date.now() + FIND_STREAM_MS;
  for (let pause = POLL_MS.first; ; pause *= 2) {
    if (await ownsStreamEvent(db, owner, streamId, ordinal)) return true;
    if (Date.now() + pause > giveUpAt) return false;
    await sleep(pause);
  }
}
