import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { McpTaskRow } from '../tables/mcpTasks.js';

export interface TaskOwner {
  accountId: string;
  userId: string;
}

export async function insertTask(
  db: Db,
  task: Omit<McpTaskRow, 'created_at' | 'input_request' | 'input_answered_at'> & { input_request?: string | null },
): Promise<McpTaskRow> {
  return db.insertInto('mcp_tasks').values(task).returningAll().executeTakeFirstOrThrow();
}

/** Another user's task is indistinguishable from a missing one. */
export async function getOwnTask(db: Db, owner: TaskOwner, taskId: string): Promise<McpTaskRow | undefined> {
  return db
    .selectFrom('mcp_tasks')
    .selectAll()
    .where('task_id', '=', taskId)
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .executeTakeFirst();
}

/** Newest first; the cursor is the last row's task id of the previous page. */
export async function listOwnTasks(
  db: Db,
  owner: TaskOwner,
  options: { limit: number; after?: McpTaskRow },
): Promise<McpTaskRow[]> {
  let query = db
    .selectFrom('mcp_tasks')
    .selectAll()
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId);
  if (options.after) {
    const { created_at, task_id } = options.after;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', created_at), eb.and([eb('created_at', '=', created_at), eb('task_id', '<', task_id)])]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('task_id', 'desc').limit(options.limit).execute();
}

/** Tasks past their own ttl, which tasks/get already treats as gone; returns how many went. */
export async function deleteExpiredTasks(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('mcp_tasks')
    .where(sql<Date>`created_at + ttl_ms * interval '1 millisecond'`, '<', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Records that the client answered the task's input request; false when there was none open. */
export async function answerTaskInput(db: Db, taskId: string): Promise<boolean> {
  const result = await db
    .updateTable('mcp_tasks')
    .set({ input_answered_at: new Date() })
    .where('task_id', '=', taskId)
    .where('input_request', 'is not', null)
    .where('input_answered_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
