import type { Db } from '../connect.js';
import type { ResourceSubscriptionRow } from '../tables/resourceSubscriptions.js';

/** Whose subscription: a 2025-11-25 session of one caller on one server. */
export interface SubscriptionOwner {
  accountId: string;
  userId: string;
  serverId: string;
  sessionId: string;
}

/** Records a subscription; true when it is new (subscribing twice to one URI is one subscription). */
export async function insertResourceSubscription(db: Db, owner: SubscriptionOwner, mcpConnectorId: string, uri: string): Promise<boolean> {
  const inserted = await db
    .insertInto('resource_subscriptions')
    .values({ session_id: owner.sessionId, mcp_connector_id: mcpConnectorId, uri, account_id: owner.accountId, user_id: owner.userId, server_id: owner.serverId })
    .onConflict((oc) => oc.columns(['session_id', 'mcp_connector_id', 'uri']).doNothing())
    .returning('uri')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Removes the session's subscriptions to `uri` (on whichever remote server); returns the servers they were on. */
export async function deleteResourceSubscription(db: Db, owner: SubscriptionOwner, uri: string, mcpConnectorId?: string): Promise<string[]> {
  let query = db
    .deleteFrom('resource_subscriptions')
    .where('session_id', '=', owner.sessionId)
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('server_id', '=', owner.serverId)
    .where('uri', '=', uri);
  if (mcpConnectorId) query = query.where('mcp_connector_id', '=', mcpConnectorId);
  const rows = await query.returning('mcp_connector_id').execute();
  return rows.map((row) => row.mcp_connector_id);
}

/** The session's subscriptions, oldest first. */
export async function listResourceSubscriptions(db: Db, owner: SubscriptionOwner): Promise<ResourceSubscriptionRow[]> {
  return db
    .selectFrom('resource_subscriptions')
    .selectAll()
    .where('session_id', '=', owner.sessionId)
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', owner.userId)
    .where('server_id', '=', owner.serverId)
    .orderBy('created_at')
    .execute();
}
