import type { ColumnType, Selectable } from 'kysely';

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
}

export type McpTaskRow = Selectable<McpTasksTable>;
