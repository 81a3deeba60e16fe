import type { ColumnType, Generated } from 'kysely';

/** A progress or log notification a remote MCP server sent while a run's attempt called it. */
export type RunNote =
  | { kind: 'progress'; progress: number; total?: number; message?: string }
  | { kind: 'log'; level: string; logger?: string; data: unknown };

/**
 * Notes of a running call, written by the worker's attempt and read by the API process answering
 * the call (src/api/mcp/tasks.ts awaitRun): the two are separate processes, the database is what
 * they share. Bounded per run and per note; kept an hour (src/worker/cleanup.ts).
 */
export interface RunNotesTable {
  seq: Generated<number>;
  workflow_id: string;
  note: ColumnType<RunNote, string, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}
