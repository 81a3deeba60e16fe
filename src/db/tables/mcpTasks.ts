import type { ColumnType, Selectable } from 'kysely';

/** An authorization link (or an approval page) a task's run waits on, surfaced to a 2026-07-28 client as an input request. */
export interface TaskInputRequest {
  /** The inputRequests key: unique over the task's life. */
  key: string;
  /** The credential the run waits for the user to authorize… */
  credentialId?: string;
  /** …or the approval request it waits for an approver to decide. */
  approvalId?: string;
  url: string;
  message: string;
}

/** An MCP task is a handle on a workflow run, owned by one (account, user). */
export interface McpTasksTable {
  task_id: string;
  account_id: string;
  user_id: string;
  server_id: string;
  workflow_id: string;
  tool_name: string;
  ttl_ms: number;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  input_request: ColumnType<TaskInputRequest | null, string | null | undefined, never>;
  input_answered_at: ColumnType<Date | null, never, Date>;
}

export type McpTaskRow = Selectable<McpTasksTable>;
