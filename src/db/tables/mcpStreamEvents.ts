import type { ColumnType } from 'kysely';

/**
 * One event of a 2025-11-25 response stream (SSE on a POST to /mcp), kept so a client whose stream
 * broke can resume it with GET and Last-Event-ID on any API process (src/api/mcp/streamEvents.ts).
 * Written by the one process answering the POST, in order, and only once its client has left
 * before the last response (until then the events are kept in that process); owned by (account, user, server,
 * session): only the same caller may replay it. `message` is the JSON-RPC message as sent (a
 * tool's result, already scrubbed of the call's secrets like the run's history), null for the
 * priming event. Never logged; kept an hour (src/worker/cleanup.ts).
 */
export interface McpStreamEventsTable {
  stream_id: string;
  /** The event's place in its stream: 0 is the priming event. */
  ordinal: number;
  account_id: string;
  user_id: string;
  server_id: string;
  session_id: string | null;
  message: string | null;
  /** The last response of the POST's requests: the stream ends after it. */
  ends_stream: ColumnType<boolean, boolean | undefined, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}
