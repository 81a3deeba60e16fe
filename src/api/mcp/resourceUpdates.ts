import type { RemoteMcpConnectorRow } from '../../db/tables/remoteMcpConnectors.js';
import { SessionSubscriptions } from '../../remoteMcp/resourceSubscriptions.js';
import type { StreamWatch } from './listChanged.js';
import type { ToolContext } from './tool.js';

/**
 * The resource subscriptions of a 2025-11-25 session on its standing GET stream (docs/tools-mode.md):
 * while this process holds the stream, it holds the session's subscriptions on its standing remote
 * sessions (src/remoteMcp/resourceSubscriptions.ts), each update written as
 * `notifications/resources/updated`. On each of the stream's looks they are brought in step with
 * the session's rows and with the remote servers `offered` names now (the one policy's answer).
 */
export function resourceUpdates(deps: ToolContext['deps'], owner: ToolContext['auth'] & { sessionId: string }, offered: () => readonly RemoteMcpConnectorRow[]): StreamWatch {
  return (send) => {
    const subscriptions = new SessionSubscriptions(deps, { accountId: owner.accountId, userId: owner.userId, serverId: owner.serverId, sessionId: owner.sessionId }, (uri) =>
      send({ method: 'notifications/resources/updated', params: { uri } }),
    );
    return { look: () => subscriptions.sync(offered()), close: () => subscriptions.close() };
  };
}
