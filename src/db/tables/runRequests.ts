import type { ColumnType } from 'kysely';

/** The server-to-client requests a remote MCP server may make during a tools-mode call. */
export type RelayedRequestMethod = 'sampling/createMessage' | 'elicitation/create' | 'roots/list';

/** The caller's answer: the JSON-RPC result, or its error. */
export type RunRequestAnswer = { result: Record<string, unknown> } | { error: { code: number; message: string } };

/**
 * A request a remote MCP server made of the caller while a run's attempt called it (sampling,
 * elicitation, roots), written by the worker's attempt, which holds the remote session and waits
 * for `answer`; surfaced to the caller by the API process answering the call (src/api/mcp/callerRequests.ts),
 * which writes the answer. The two are separate processes, the database is what they share.
 * Owned by the run's account and user: only they may answer. Kept an hour (src/worker/cleanup.ts).
 */
export interface RunRequestsTable {
  request_id: string;
  workflow_id: string;
  account_id: string;
  user_id: string;
  method: RelayedRequestMethod;
  params: ColumnType<Record<string, unknown>, string, never>;
  /** A 2026-07-28 server's own name for the request (its input_required key), which the caller answers by; null on 2025-11-25. */
  input_key: ColumnType<string | null, string | null | undefined, never>;
  answer: ColumnType<RunRequestAnswer | null, never, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}
