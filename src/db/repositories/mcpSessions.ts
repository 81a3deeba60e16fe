import type { Db } from '../connect.js';
import type { CredentialWaiterRow, McpSessionRow } from '../tables/mcpSessions.js';

export interface SessionOwner {
  accountId: string;
  userId: string;
  serverId: string;
}

export async function insertSession(
  db: Db,
  owner: SessionOwner,
  input: { sessionId: string; protocolVersion: string; capabilities: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('mcp_sessions')
    .values({
      session_id: input.sessionId,
      account_id: owner.accountId,
      user_id: owner.userId,
      server_id: owner.serverId,
      protocol_version: input.protocolVersion,
      capabilities: JSON.stringify(input.capabilities),
    })
    .execute();
}

/** Another owner's session is indistinguishable from a missing one. */
export async function getOwnSession(db: Db, owner: SessionOwner, sessionId: string): Promise<McpSessionRow | undefined> {
  return db
    .selectFrom('mcp_sessions')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('server_id', '=', owner.serverId)
    .executeTakeFirst();
}

/** A client's DELETE: the session ends, and requests that still name it get 404. */
export async function deleteOwnSession(db: Db, owner: SessionOwner, sessionId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('mcp_sessions')
    .where('session_id', '=', sessionId)
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('server_id', '=', owner.serverId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function setSessionLogLevel(db: Db, owner: SessionOwner, sessionId: string, level: string): Promise<void> {
  await db
    .updateTable('mcp_sessions')
    .set({ log_level: level })
    .where('session_id', '=', sessionId)
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('server_id', '=', owner.serverId)
    .execute();
}

export async function addCredentialWaiter(db: Db, input: { workflowId: string; credentialId: string; attemptId: string }): Promise<void> {
  await db
    .insertInto('credential_waiters')
    .values({ workflow_id: input.workflowId, credential_id: input.credentialId, attempt_id: input.attemptId })
    .onConflict((oc) => oc.column('workflow_id').doNothing())
    .execute();
}

/**
 * Removes and returns the runs an ended attempt concerns: every waiter of the credential when it
 * became active, only the attempt's own waiters when it failed (another link may still be open).
 */
export async function takeCredentialWaiters(
  db: Db,
  input: { credentialId: string; attemptId: string; completed: boolean },
): Promise<CredentialWaiterRow[]> {
  let query = db.deleteFrom('credential_waiters').where('credential_id', '=', input.credentialId);
  if (!input.completed) query = query.where('attempt_id', '=', input.attemptId);
  return query.returningAll().execute();
}

/** Sessions initialized before `before` (the scheduled cleanup); returns how many went. */
export async function deleteSessionsCreatedBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('mcp_sessions').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
