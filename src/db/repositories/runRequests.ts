import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { RelayedRequestMethod, RunRequestAnswer } from '../tables/runRequests.js';

/** A server that keeps asking cannot fill the table: past this many requests a run's further ones are refused. */
const MAX_REQUESTS_PER_RUN = 50;
/** A request's params (a sampling conversation, an elicitation form) past this size are not relayed. */
export const MAX_RUN_REQUEST_BYTES = 65_536;
/** A caller's answer past this size is replaced by an error the remote server is given instead. */
const MAX_RUN_ANSWER_BYTES = 262_144;

export interface RunRequestOwner {
  accountId: string;
  userId: string;
}

export interface PendingRunRequest {
  requestId: string;
  method: RelayedRequestMethod;
  params: Record<string, unknown>;
  /** A 2026-07-28 server's own key for the request, which its caller answers by. */
  inputKey?: string | null;
}

/** Records a request unless the run has MAX_REQUESTS_PER_RUN already; false when refused. One statement. */
export async function insertRunRequest(
  db: Db,
  owner: RunRequestOwner,
  request: PendingRunRequest & { workflowId: string },
): Promise<boolean> {
  const result = await sql`insert into run_requests (request_id, workflow_id, account_id, user_id, method, params, input_key)
    select ${request.requestId}, ${request.workflowId}, ${owner.accountId}, ${owner.userId}, ${request.method}, ${JSON.stringify(request.params)}::jsonb, ${request.inputKey ?? null}
    where (select count(*) from run_requests where workflow_id = ${request.workflowId}) < ${MAX_REQUESTS_PER_RUN}`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}

/** The caller's answer to one request, once given. */
export async function readRunRequestAnswer(db: Db, requestId: string): Promise<RunRequestAnswer | null> {
  const row = await db.selectFrom('run_requests').select('answer').where('request_id', '=', requestId).executeTakeFirst();
  return row?.answer ?? null;
}

/** The run's requests still waiting for their caller's answer, oldest first; another owner's run has none. */
export async function listUnansweredRunRequests(db: Db, owner: RunRequestOwner, workflowId: string): Promise<PendingRunRequest[]> {
  const rows = await db
    .selectFrom('run_requests')
    .select(['request_id', 'method', 'params', 'input_key'])
    .where('workflow_id', '=', workflowId)
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('answer', 'is', null)
    .orderBy('created_at')
    .limit(MAX_REQUESTS_PER_RUN)
    .execute();
  return rows.map((row) => ({ requestId: row.request_id, method: row.method, params: row.params, inputKey: row.input_key }));
}

/** Whether any request of this run is the owner's: a run another caller started cannot be answered or resumed. */
export async function ownsRunRequests(db: Db, owner: RunRequestOwner, workflowId: string): Promise<boolean> {
  const row = await db
    .selectFrom('run_requests')
    .select('request_id')
    .where('workflow_id', '=', workflowId)
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Records the owner's answer to a request not answered yet (a repeated answer changes nothing); false when there is none to answer. */
export async function answerRunRequest(db: Db, owner: RunRequestOwner, requestId: string, answer: RunRequestAnswer): Promise<boolean> {
  const bounded: RunRequestAnswer =
    Buffer.byteLength(JSON.stringify(answer)) <= MAX_RUN_ANSWER_BYTES
      ? answer
      : { error: { code: -32600, message: `The caller's answer was larger than ${MAX_RUN_ANSWER_BYTES} bytes and was not relayed` } };
  const result = await db
    .updateTable('run_requests')
    .set({ answer: JSON.stringify(bounded) })
    .where('request_id', '=', requestId)
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('answer', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteRunRequestsBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('run_requests').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
