import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  LoggingMessageNotificationSchema,
  McpError,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type ClientCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import { fetch as undiciFetch, type Agent } from 'undici';
import type { Config } from '../../config.js';
import { findAction, resolveEnabledConnector } from '../../connectors/registry.js';
import type { Connector } from '../../connectors/types.js';
import { validateCallParameters } from '../../connectors/parameters.js';
import { forgetRemoteMcpTools, getRemoteMcpConnector as getMcpConnector } from '../../db/repositories/remoteMcpConnectors.js';
import type { CachedTool } from '../../db/tables/remoteMcpConnectors.js';
import { ConnectorNotFoundError, nonRetryableCodes, SwitchboardError } from '../../errors.js';
import { resolveEndpoint, type RemoteEndpoint } from '../../remoteMcp/variables.js';
import { callAuthorizer, type AuthorizedRequest } from '../../credentials/authorize.js';
import type { OAuthFlows } from '../../credentials/ports.js';
import { Redactor, redactionScope, secretsOfAuth } from '../../secrets/redaction.js';
import type { Logger } from '../../observability/logger.js';
import type { Db } from '../../db/connect.js';
import type { RunNote } from '../../db/tables/runNotes.js';
import type { SecretBox } from '../../secrets/secretBox.js';
import type { AttemptInput, AttemptOutcome } from '../../workflows/contracts.js';
import { cappedFetch, responseLimits, sizeOf, type ResponseTooLargeError } from '../boundedBody.js';
import { checkUrl, createUpstreamAgent } from '../egress.js';
import { attemptHostedTool } from '../stdioMcp/call.js';
import { RemoteMcpError, toolCallOutcome } from './toolResults.js';
import { errorCodeOf, switchboardErrorIn } from '../http.js';
import { bearerChallenge } from './oauthDiscovery.js';
import { relayCallerRequests, type CallerRequestRelay } from './callerRequests.js';
import { reauthorizationAfterRefusal } from './reauthorization.js';

const CLIENT_INFO = { name: 'switchboard', version: '0.1.0' };
const MAX_TOOLS = 1000;
const ERROR_TEXT_CHARS = 2000;

type RemoteConfig = Pick<Config, 'egress' | 'upstream'>;

/** One pooled, egress-guarded dispatcher per process and policy, shared by every remote connector. */
const agents = new WeakMap<object, Agent>();
function agentFor(config: RemoteConfig): Agent {
  let agent = agents.get(config.egress);
  if (!agent) {
    agent = createUpstreamAgent(config);
    agents.set(config.egress, agent);
  }
  return agent;
}

/**
 * The SDK's transport fetches through our guarded dispatcher: IP literals are checked here, names
 * at DNS time, and redirects are never followed (one could lead past the check).
 */
function guardedFetch(config: RemoteConfig): FetchLike {
  const dispatcher = agentFor(config);
  return async (url, init) => {
    checkUrl(config.egress, new URL(url));
    const response = await undiciFetch(url, { ...(init as object), dispatcher, redirect: 'manual' } as never);
    return response as unknown as Response;
  };
}

/** The phase a failure happened in decides whether trying again could repeat a tool's effect. */
type Phase = 'connect' | 'call';

/** Our error for anything the SDK, the transport or the network threw; texts are scrubbed of secrets. */
function describeRemoteFailure(
  error: unknown,
  context: { endpoint: RemoteEndpoint; phase: Phase; timedOut: boolean; timeoutMs: number; safeToRepeat: boolean },
): SwitchboardError {
  const own = switchboardErrorIn(error);
  if (own) return own;
  const host = context.endpoint.url.host;
  const redactor = new Redactor(context.endpoint.secrets);
  const clean = (text: string) => redactor.text(text).slice(0, ERROR_TEXT_CHARS);
  const sentCall = context.phase === 'call';
  const retryable = (notSent: boolean) => notSent || context.safeToRepeat;
  const details = (reason: string, extra: Record<string, unknown> = {}) => ({ host, reason, phase: context.phase, ...extra });

  if (context.timedOut || (error instanceof McpError && error.code === Number(ErrorCode.RequestTimeout))) {
    return new RemoteMcpError(`${host} did not answer within ${context.timeoutMs / 1000} s`, retryable(!sentCall), details('timeout'));
  }
  if (error instanceof StreamableHTTPError) {
    const status = error.code;
    return new RemoteMcpError(
      `${host} answered HTTP ${status ?? '?'}: ${clean(error.message)}`,
      status === 429 || status === 503 || (status !== undefined && status >= 500 && retryable(!sentCall)),
      details('http', { status }),
    );
  }
  if (error instanceof McpError) {
    return new RemoteMcpError(`${host} returned MCP error ${error.code}: ${clean(error.message)}`, false, details('rpc', { mcpCode: error.code }));
  }
  const network = errorCodeOf(error);
  if (network) {
    const notSent = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'].includes(network);
    return new RemoteMcpError(`Could not reach ${host} (${network})`, retryable(notSent || !sentCall), details('network', { networkError: network }));
  }
  const message = error instanceof Error ? error.message : String(error);
  return new RemoteMcpError(`Talking to ${host} failed: ${clean(message)}`, retryable(!sentCall), details('failed'));
}

/**
 * Connects with the SDK client, runs `work`, and closes, all within `timeoutMs`: a server that
 * accepts the connection and never answers is cut off by the deadline, not left hanging.
 */
export async function withRemoteClient<T>(
  config: RemoteConfig,
  endpoint: RemoteEndpoint,
  timeoutMs: number,
  safeToRepeat: boolean,
  work: (client: Client, options: { signal: AbortSignal; timeout: number }) => Promise<T>,
  cancelled?: AbortSignal,
  /** Declared to the server at initialize: what a tools-mode caller answers (callerRequests.ts); none otherwise. */
  capabilities: ClientCapabilities = {},
): Promise<T> {
  const controller = new AbortController();
  cancelled?.addEventListener('abort', () => controller.abort(), { once: true, signal: controller.signal });
  let timedOut = false;
  let phase: Phase = 'connect';
  const deadline = new Promise<never>((_resolve, reject) => {
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
      reject(new Error('deadline'));
    }, timeoutMs);
    controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  });
  deadline.catch(() => undefined);
  // Every answer is read up to UPSTREAM_MAX_RESPONSE_BYTES. Past it the SDK would only report a
  // broken SSE stream and wait out the deadline, so the overflow aborts the call, and is its error
  // (the SDK turns an abort's reason into a time-out).
  let overflow: ResponseTooLargeError | undefined;
  // The SDK reports a refused request by its status only; the challenge says what would be accepted.
  let challenge: ReturnType<typeof bearerChallenge>;
  const guarded = guardedFetch(config);
  const challenged: FetchLike = async (url, init) => {
    const response = await guarded(url, init);
    if (response.status === 401 || response.status === 403) challenge = bearerChallenge(response.headers.get('www-authenticate'));
    return response;
  };
  const transport = new StreamableHTTPClientTransport(endpoint.url, {
    requestInit: { headers: endpoint.headers },
    fetch: cappedFetch(challenged, responseLimits(config).upstream, (error) => {
      overflow = error;
      controller.abort(error);
    }),
  });
  const client = new Client(CLIENT_INFO, { capabilities });
  const options = { signal: controller.signal, timeout: timeoutMs };
  try {
    await Promise.race([client.connect(transport, options), deadline]);
    phase = 'call';
    return await Promise.race([work(client, options), deadline]);
  } catch (error) {
    const described = overflow ?? describeRemoteFailure(error, { endpoint, phase, timedOut, timeoutMs, safeToRepeat });
    if (described instanceof RemoteMcpError && challenge) described.challenge = challenge;
    throw described;
  } finally {
    controller.abort();
    await client.close().catch(() => undefined);
  }
}

/** A tool list we will not cache (one tool, or all of them, over its limit): no retry makes it smaller. */
function toolListTooLarge(host: string, message: string, limit: number, setting: string): SwitchboardError {
  return new SwitchboardError('UPSTREAM_REJECTED', `${host} ${message}, over ${sizeOf(limit)} (${setting}); the list was not kept`, {
    host,
    reason: 'too-large',
    limitBytes: limit,
    setting,
  });
}

/**
 * tools/list, every page, as we cache it: each tool at most REMOTE_MCP_MAX_TOOL_BYTES and all of
 * them REMOTE_MCP_MAX_TOOL_LIST_BYTES, since the list is stored and read back on every call.
 */
export async function listRemoteTools(config: Config, endpoint: RemoteEndpoint): Promise<CachedTool[]> {
  const { maxToolBytes, maxToolListBytes } = config.remoteMcp;
  const host = endpoint.url.host;
  return withRemoteClient(config, endpoint, config.remoteMcp.timeoutMs, true, async (client, options) => {
    const tools: CachedTool[] = [];
    let listBytes = 0;
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, options);
      for (const tool of page.tools) {
        const cached: CachedTool = {
          name: tool.name,
          ...(tool.title ? { title: tool.title } : {}),
          ...(tool.description ? { description: tool.description } : {}),
          inputSchema: tool.inputSchema as Record<string, unknown>,
          ...(tool.annotations ? { annotations: tool.annotations } : {}),
          ...(tool.outputSchema ? { outputSchema: tool.outputSchema as Record<string, unknown> } : {}),
        };
        const bytes = Buffer.byteLength(JSON.stringify(cached));
        if (bytes > maxToolBytes) {
          throw toolListTooLarge(host, `listed a tool (${JSON.stringify(tool.name.slice(0, 64))}) of ${sizeOf(bytes)}`, maxToolBytes, 'REMOTE_MCP_MAX_TOOL_BYTES');
        }
        listBytes += bytes;
        if (listBytes > maxToolListBytes) {
          throw toolListTooLarge(host, `listed ${tools.length + 1} tools and more`, maxToolListBytes, 'REMOTE_MCP_MAX_TOOL_LIST_BYTES');
        }
        tools.push(cached);
      }
      cursor = page.nextCursor;
    } while (cursor && tools.length < MAX_TOOLS);
    // A server can echo our headers in a description: tool lists are shown and cached, so scrubbed too.
    return new Redactor(endpoint.secrets).value(tools);
  });
}

function withAuthorization(endpoint: RemoteEndpoint, auth: AuthorizedRequest): RemoteEndpoint {
  return { ...endpoint, headers: { ...endpoint.headers, ...auth.headers }, secrets: [...endpoint.secrets, ...secretsOfAuth(auth)] };
}

/**
 * One attempt of execute_action on a remote MCP connector's tool. Runs inside the
 * attemptConnectorAction activity, so URL and header values (with their {{variables}}) are opened
 * here and never reach history.
 */
export async function attemptRemoteMcpTool(
  deps: { config: Config; db: Db; secretBox: SecretBox; logger: Logger; oauthFlows: OAuthFlows },
  input: AttemptInput,
  /** Takes a permit from the connector's throttle; an outcome when the slot is not due yet. */
  permit: (connector: Connector) => Promise<AttemptOutcome | undefined>,
  /** Aborts the call: the attempt was cancelled. */
  signal?: AbortSignal,
  /** Passes on the server's progress and log notifications during the call, already scrubbed of its secrets. */
  relay?: (note: RunNote) => Promise<void>,
  /** Relays the server's sampling, elicitation and roots requests to the caller, as far as it declared them. */
  askCaller?: CallerRequestRelay,
): Promise<AttemptOutcome> {
  const call = input.action;
  try {
    const connector = await resolveEnabledConnector(deps.db, call.accountId, call.connectorId);
    const action = findAction(connector, call.actionId);
    const toolArguments = validateCallParameters(connector, action, call.parameters);
    const row = await getMcpConnector(deps.db, call.accountId, connector.remoteMcp!.mcpConnectorId);
    if (!row) throw new ConnectorNotFoundError(call.connectorId);
    // A hosted stdio server runs in this worker's sandbox (docs/hosted.md).
    if (row.type === 'stdio') return await attemptHostedTool(deps, { connector, action, toolArguments, row }, permit, signal);
    const endpoint = await resolveEndpoint(deps, row);
    // An `oauth` server gets the user's token, refreshed through the credential's refresher like any OAuth connector's.
    const authorize = callAuthorizer(deps, call, connector);
    const auth = row.type === 'oauth' ? await authorize() : undefined;
    const authorized = auth ? withAuthorization(endpoint, auth) : endpoint;
    const redactor = redactionScope()?.add(authorized.secrets) ?? new Redactor(authorized.secrets);
    const wait = await permit(connector);
    if (wait) return wait;
    const started = Date.now();
    const relaying: Array<Promise<void>> = [];
    let result: CallToolResult;
    try {
      result = (await withRemoteClient(
        deps.config,
        authorized,
        deps.config.upstream.totalTimeoutMs,
        action.idempotent,
        (client, options) => {
          // A server whose tools changed says so on the call's stream: its cached list is forgotten, so the next tools/list shows the new one.
          client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
            relaying.push(forgetRemoteMcpTools(deps.db, row.id).catch(() => undefined));
          });
          if (askCaller) relayCallerRequests(deps.db, askCaller, client, redactor, options.signal);
          if (!relay) return client.callTool({ name: action.id, arguments: toolArguments }, undefined, options);
          const pass = (note: RunNote) => {
            relaying.push(relay(redactor.value(note)).catch(() => undefined));
          };
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
      await Promise.all(relaying);
    } catch (error) {
      // One refresh after a 401, then an immediate retry: the server may have dropped the token before its expiry.
      if (auth?.refreshable && input.refreshOn401 && error instanceof RemoteMcpError && error.details.status === 401) {
        const refreshed = await authorize(auth);
        redactionScope()?.add(secretsOfAuth(refreshed));
        return {
          kind: 'retry',
          error: { code: error.code, message: error.message, details: error.details },
          reason: `401 from ${connector.id}; token refreshed`,
          delayMs: 0,
          tokenRefreshed: refreshed.credentialId ? { credentialId: refreshed.credentialId } : {},
        };
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
  } catch (error) {
    if (!(error instanceof SwitchboardError)) throw error;
    const retryable = error instanceof RemoteMcpError ? error.retryable : !nonRetryableCodes.includes(error.code);
    const attemptError = { code: error.code, message: error.message, details: error.details };
    return retryable ? { kind: 'retry', error: attemptError, reason: `${error.code} from ${call.connectorId}: ${error.message}` } : { kind: 'failed', error: attemptError };
  }
}
