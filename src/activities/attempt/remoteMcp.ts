import { LoggingMessageNotificationSchema, ToolListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../../config.js';
import type { Connector } from '../../connectors/types.js';
import type { ActionDefinition } from '../../connectors/schema.js';
import { forgetRemoteMcpTools, getRemoteMcpConnector } from '../../db/repositories/remoteMcpConnectors.js';
import type { Db } from '../../db/connect.js';
import type { RunNote } from '../../db/tables/runNotes.js';
import { ConnectorNotFoundError } from '../../errors.js';
import { resolveEndpoint, type RemoteEndpoint } from '../../remoteMcp/variables.js';
import { callAuthorizer, type AuthorizedRequest } from '../../credentials/authorize.js';
import type { OAuthFlows } from '../../credentials/ports.js';
import { Redactor, redactionScope, secretsOfAuth } from '../../secrets/redaction.js';
import type { Logger } from '../../observability/logger.js';
import type { SecretBox } from '../../secrets/secretBox.js';
import type { AttemptInput, AttemptOutcome } from '../../workflows/contracts/attempt.js';
import { MODERN_REVISION, withModernClient, withRemoteClient } from '../../upstream/remoteMcp/client.js';
import { callModernTool } from '../../upstream/remoteMcp/modernCall.js';
import { relayCallerRequests, type CallerRequestRelay } from '../../upstream/remoteMcp/callerRequests.js';
import { RemoteMcpError, toolCallOutcome } from '../../upstream/remoteMcp/toolResults.js';
import { reauthorizationAfterRefusal } from '../../upstream/remoteMcp/reauthorization.js';
import { attemptHostedTool } from '../../upstream/stdioMcp/call.js';
import { retryAfterRefresh } from './classify.js';

function withAuthorization(endpoint: RemoteEndpoint, auth: AuthorizedRequest): RemoteEndpoint {
  return { ...endpoint, headers: { ...endpoint.headers, ...auth.headers }, secrets: [...endpoint.secrets, ...secretsOfAuth(auth)] };
}

/**
 * The MCP transports of one attempt of execute_action on a remote MCP connector's tool (or a
 * hosted stdio one's, docs/hosted.md), inside the attemptConnectorAction activity: URL, header
 * and command values (with their {{variables}}) are opened here and never reach history. The
 * connector, action and arguments come resolved from the pipeline (pipeline.ts).
 */
/** The server turned down a 2025-11-25 initialize (not its credentials, not the network): nothing was called yet. */
function refusedLegacyHandshake(error: unknown): boolean {
  if (!(error instanceof RemoteMcpError) || error.details.phase !== 'connect') return false;
  const { reason, status } = error.details as { reason?: string; status?: number };
  return reason === 'rpc' || reason === 'failed' || (reason === 'http' && status !== undefined && [400, 404, 405, 406, 415].includes(status));
}

export async function attemptRemoteMcpTool(
  deps: { config: Config; db: Db; secretBox: SecretBox; logger: Logger; oauthFlows: OAuthFlows },
  input: AttemptInput,
  call: { connector: Connector; action: ActionDefinition; toolArguments: Record<string, unknown> },
  /** Takes a permit from the connector's throttle; an outcome when the slot is not due yet. */
  permit: (connector: Connector) => Promise<AttemptOutcome | undefined>,
  /** Aborts the call: the attempt was cancelled. */
  signal?: AbortSignal,
  /** Passes on the server's progress and log notifications during the call, already scrubbed of its secrets. */
  relay?: (note: RunNote) => Promise<void>,
  /** Relays the server's sampling, elicitation and roots requests to the caller, as far as it declared them. */
  askCaller?: CallerRequestRelay,
): Promise<AttemptOutcome> {
  const { connector, action, toolArguments } = call;
  const row = await getRemoteMcpConnector(deps.db, input.action.accountId, connector.remoteMcp!.mcpConnectorId);
  if (!row) throw new ConnectorNotFoundError(input.action.connectorId);
  if (row.type === 'stdio') return await attemptHostedTool(deps, { connector, action, toolArguments, row }, permit, signal);
  const endpoint = await resolveEndpoint(deps, row);
  // An `oauth` server gets the user's token, refreshed through the credential's refresher like any OAuth connector's.
  const authorize = callAuthorizer(deps, input.action, connector);
  const auth = row.type === 'oauth' ? await authorize() : undefined;
  const authorized = auth ? withAuthorization(endpoint, auth) : endpoint;
  const redactor = redactionScope()?.add(authorized.secrets) ?? new Redactor(authorized.secrets);
  const wait = await permit(connector);
  if (wait) return wait;
  const started = Date.now();
  const relaying: Array<Promise<void>> = [];
  let result: CallToolResult;
  const pass = (note: RunNote) => {
    if (relay) relaying.push(relay(redactor.value(note)).catch(() => undefined));
  };
  const toolsChanged = () => {
    relaying.push(forgetRemoteMcpTools(deps.db, row.id).catch(() => undefined));
  };
  try {
    const callModern = async () => await withModernClient(
      deps.config,
      authorized,
      deps.config.upstream.totalTimeoutMs,
      action.idempotent,
      'modern',
      (client, options) => callModernTool(deps.db, client, { name: action.id, arguments: toolArguments }, options, redactor, askCaller, { ...(relay ? { note: pass } : {}), toolsChanged }),
      signal,
      { ...askCaller?.capabilities },
    );
    const callLegacy = async () => (await withRemoteClient(
      deps.config,
      authorized,
      deps.config.upstream.totalTimeoutMs,
      action.idempotent,
      (client, options) => {
        // A server whose tools changed says so on the call's stream: its cached list is forgotten, so the next tools/list shows the new one.
        client.setNotificationHandler(ToolListChangedNotificationSchema, toolsChanged);
        if (askCaller) relayCallerRequests(deps.db, askCaller, client, redactor, options.signal);
        if (!relay) return client.callTool({ name: action.id, arguments: toolArguments }, undefined, options);
        client.setNotificationHandler(LoggingMessageNotificationSchema, ({ params }) =>
          pass({ kind: 'log', level: params.level, ...(params.logger ? { logger: params.logger } : {}), data: params.data }),
        );
        return client.callTool({ name: action.id, arguments: toolArguments }, undefined, {
          ...options,
          onprogress: ({ progress, total, message }) =>
            pass({ kind: 'progress', progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) }),
        });
      },
      signal,
      askCaller?.capabilities,
    )) as CallToolResult;
    // A server found to speak 2026-07-28 is called on it when the caller does too: its input requests
    // reach the caller under its own keys. A 2025-era caller (or one of no MCP revision: REST) reaches
    // it on 2025-11-25, where it asks in-stream and logs as it would for that caller directly, unless
    // the server refuses that handshake (it speaks 2026-07-28 only): then it is bridged on 2026-07-28.
    if (row.protocol_version !== MODERN_REVISION) result = await callLegacy();
    else if (input.action.callerRevision === MODERN_REVISION) result = await callModern();
    else result = await callLegacy().catch((error: unknown) => (refusedLegacyHandshake(error) ? callModern() : Promise.reject(error)));
    await Promise.all(relaying);
  } catch (error) {
    if (error instanceof RemoteMcpError) {
      const refused = { status: error.details.status, connectorId: connector.id, error: { code: error.code, message: error.message, details: error.details } };
      const retry = await retryAfterRefresh(refused, input, auth, authorize);
      if (retry) return retry;
    }
    // Refused for good (a step-up, or a refreshed token refused): the user signs in again.
    if (auth?.credentialId && error instanceof RemoteMcpError) {
      const reauthorization = await reauthorizationAfterRefusal(deps, {
        mcpConnectorId: row.id,
        credentialId: auth.credentialId,
        host: authorized.url.host,
        status: error.details.status,
        challenge: error.challenge,
        refreshed: !input.refreshOn401,
      });
      if (reauthorization) throw reauthorization;
    }
    throw error;
  }
  deps.logger.debug({ connectorId: connector.id, actionId: action.id, host: authorized.url.host, ms: Date.now() - started }, 'remote MCP call');
  return toolCallOutcome(result, { connector, action, redactor, ...(auth?.credentialId ? { credentialId: auth.credentialId } : {}) });
}
