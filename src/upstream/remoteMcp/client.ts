import {
  Client as ModernClient,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  StreamableHTTPClientTransport as ModernTransport,
  type ClientCapabilities as ModernCapabilities,
} from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, type ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { fetch as undiciFetch, type Agent } from 'undici';
import type { Config } from '../../config.js';
import type { CachedTool } from '../../db/tables/remoteMcpConnectors.js';
import { SwitchboardError } from '../../errors.js';
import type { RemoteToolList } from '../../remoteMcp/ports.js';
import type { RemoteEndpoint } from '../../remoteMcp/variables.js';
import { Redactor } from '../../secrets/redaction.js';
import { cappedFetch, responseLimits, sizeOf, type ResponseTooLargeError } from '../boundedBody.js';
import { checkUrl, createUpstreamAgent } from '../egress.js';
import { RemoteMcpError } from './toolResults.js';
import { errorCodeOf, switchboardErrorIn } from '../http.js';
import { bearerChallenge } from './oauthDiscovery.js';

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
export function guardedFetch(config: RemoteConfig): FetchLike {
  const dispatcher = agentFor(config);
  return async (url, init) => {
    checkUrl(config.egress, new URL(url));
    const response = await undiciFetch(url, { ...(init as object), dispatcher, redirect: 'manual' } as never);
    return response as unknown as Response;
  };
}

/** The phase a failure happened in decides whether trying again could repeat a tool's effect. */
type Phase = 'connect' | 'call';

/**
 * The network's own error code (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT) anywhere in the error's
 * causes: the SDK v2 client wraps a failed connection in errors with codes of its own
 * (ERA_NEGOTIATION_FAILED) around the one that says what happened.
 */
function networkErrorCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    const code = errorCodeOf(current);
    if (code === undefined) return undefined;
    if (/^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A JSON-RPC error as the server sent it. */
interface PeerError {
  code: number;
  message: string;
  data?: unknown;
}

/** Errors a connection remembers the server sent: a handful per connection is all a request makes. */
const MAX_PEER_ERRORS = 16;

/**
 * The JSON-RPC errors the server itself answered on this transport. Either SDK's client turns one
 * into the same error class it raises on its own (a closed connection, a result it could not
 * check, one of our own limits), so only these are relayed to a caller as the server's.
 */
function recordPeerErrors(transport: { onmessage?: unknown }): PeerError[] {
  const seen: PeerError[] = [];
  let handler: unknown;
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    get: () => handler,
    set: (next: ((message: unknown, extra?: unknown) => void) | undefined) => {
      handler =
        next &&
        ((message: unknown, extra?: unknown) => {
          const error = (message as { error?: Partial<PeerError> } | null)?.error;
          if (error && typeof error.code === 'number' && typeof error.message === 'string') {
            if (seen.length === MAX_PEER_ERRORS) seen.shift();
            seen.push({ code: error.code, message: error.message, ...(error.data !== undefined ? { data: error.data } : {}) });
          }
          next(message, extra);
        });
    },
  });
  return seen;
}

/** The server's own error behind an SDK's error object: v1 prefixes the message with its code, v2 keeps it. */
function sentByPeer(error: McpError | ProtocolError, peerErrors: readonly PeerError[]): PeerError | undefined {
  return peerErrors.find((sent) => error.message === sent.message || error.message === `MCP error ${sent.code}: ${sent.message}`);
}

/** Our error for anything the SDK, the transport or the network threw; texts are scrubbed of secrets. */
function describeRemoteFailure(
  error: unknown,
  context: { endpoint: RemoteEndpoint; phase: Phase; timedOut: boolean; timeoutMs: number; safeToRepeat: boolean; peerErrors: readonly PeerError[] },
): SwitchboardError {
  const own = switchboardErrorIn(error);
  if (own) return own;
  const host = context.endpoint.url.host;
  const redactor = new Redactor(context.endpoint.secrets);
  const clean = (text: string) => redactor.text(text).slice(0, ERROR_TEXT_CHARS);
  const sentCall = context.phase === 'call';
  const retryable = (notSent: boolean) => notSent || context.safeToRepeat;
  const details = (reason: string, extra: Record<string, unknown> = {}) => ({ host, reason, phase: context.phase, ...extra });

  if (context.timedOut || (error instanceof McpError && error.code === Number(ErrorCode.RequestTimeout)) || (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout)) {
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
  if (error instanceof SdkHttpError) {
    const status = error.status;
    return new RemoteMcpError(
      `${host} answered HTTP ${status}: ${clean(error.message)}`,
      status === 429 || status === 503 || (status >= 500 && retryable(!sentCall)),
      details('http', { status }),
    );
  }
  const sent = (error instanceof McpError || error instanceof ProtocolError) && sentByPeer(error, context.peerErrors);
  if (sent) {
    // The server's own error, code, message and data (a 2026-07-28 server's requiredCapabilities, say), is relayed to the caller, scrubbed.
    const data = sent.data === undefined ? {} : { mcpData: redactor.value(sent.data) };
    const message = clean(sent.message);
    return new RemoteMcpError(`${host} returned MCP error ${sent.code}: ${message}`, false, details('rpc', { mcpCode: sent.code, mcpMessage: message, ...data }));
  }
  const network = networkErrorCodeOf(error);
  if (network) {
    const notSent = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'].includes(network);
    return new RemoteMcpError(`Could not reach ${host} (${network})`, retryable(notSent || !sentCall), details('network', { networkError: network }));
  }
  const message = error instanceof Error ? error.message : String(error);
  return new RemoteMcpError(`Talking to ${host} failed: ${clean(message)}`, retryable(!sentCall), details('failed'));
}

/** The revision a server answered with on 2026-07-28's stateless wire; anything else is the 2025-era one (SDK v1). */
export const MODERN_REVISION = '2026-07-28';

/** Either SDK's client, connected, and how to close it. */
interface Connected<C> {
  client: C;
  /** The JSON-RPC errors the server answered (recordPeerErrors). */
  peerErrors: readonly PeerError[];
  connect(options: { signal: AbortSignal; timeout: number }): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects with an SDK client, runs `work`, and closes, all within `timeoutMs`: a server that
 * accepts the connection and never answers is cut off by the deadline, not left hanging.
 */
async function withConnection<C, T>(
  config: RemoteConfig,
  endpoint: RemoteEndpoint,
  timeoutMs: number,
  safeToRepeat: boolean,
  open: (fetch: FetchLike) => Connected<C>,
  work: (client: C, options: { signal: AbortSignal; timeout: number }) => Promise<T>,
  cancelled?: AbortSignal,
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
  const connection = open(
    cappedFetch(challenged, responseLimits(config).upstream, (error) => {
      overflow = error;
      controller.abort(error);
    }),
  );
  const options = { signal: controller.signal, timeout: timeoutMs };
  try {
    await Promise.race([connection.connect(options), deadline]);
    phase = 'call';
    return await Promise.race([work(connection.client, options), deadline]);
  } catch (error) {
    const described = overflow ?? describeRemoteFailure(error, { endpoint, phase, timedOut, timeoutMs, safeToRepeat, peerErrors: connection.peerErrors });
    if (described instanceof RemoteMcpError && challenge) described.challenge = challenge;
    throw described;
  } finally {
    controller.abort();
    await connection.close().catch(() => undefined);
  }
}

/** A 2025-11-25 connection (SDK v1): initialize, a session, and the server's requests in stream. */
export function withRemoteClient<T>(
  config: RemoteConfig,
  endpoint: RemoteEndpoint,
  timeoutMs: number,
  safeToRepeat: boolean,
  work: (client: Client, options: { signal: AbortSignal; timeout: number }) => Promise<T>,
  cancelled?: AbortSignal,
  /** Declared to the server at initialize: what a tools-mode caller answers (callerRequests.ts); none otherwise. */
  capabilities: ClientCapabilities = {},
): Promise<T> {
  const open = (fetch: FetchLike): Connected<Client> => {
    const transport = new StreamableHTTPClientTransport(endpoint.url, { requestInit: { headers: endpoint.headers }, fetch });
    const client = new Client(CLIENT_INFO, { capabilities });
    return { client, peerErrors: recordPeerErrors(transport), connect: (options) => client.connect(transport, options), close: () => client.close() };
  };
  return withConnection(config, endpoint, timeoutMs, safeToRepeat, open, work, cancelled);
}

/**
 * A connection with the SDK v2 client. `negotiate: 'auto'` tries 2026-07-28 first (server/discover)
 * and falls back to initialize; `'modern'` speaks only 2026-07-28: each request carries the
 * caller's declared capabilities in its envelope, and an input_required answer is handed back
 * (never fulfilled here: its requests are the caller's to answer).
 */
export function withModernClient<T>(
  config: RemoteConfig,
  endpoint: RemoteEndpoint,
  timeoutMs: number,
  safeToRepeat: boolean,
  negotiate: 'auto' | 'modern',
  work: (client: ModernClient, options: { signal: AbortSignal; timeout: number }) => Promise<T>,
  cancelled?: AbortSignal,
  capabilities: Record<string, unknown> = {},
): Promise<T> {
  const open = (fetch: FetchLike): Connected<ModernClient> => {
    const transport = new ModernTransport(endpoint.url, { requestInit: { headers: endpoint.headers }, fetch: fetch as never });
    const client = new ModernClient(CLIENT_INFO, {
      capabilities: capabilities as ModernCapabilities,
      versionNegotiation: { mode: negotiate === 'auto' ? 'auto' : { pin: MODERN_REVISION } },
      inputRequired: { autoFulfill: false },
    });
    return { client, peerErrors: recordPeerErrors(transport), connect: (options) => client.connect(transport, options), close: () => client.close() };
  };
  return withConnection(config, endpoint, timeoutMs, safeToRepeat, open, work, cancelled);
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
/** One page of tools/list as a server sent it; checked as it is read. */
interface ListedPage {
  tools: Array<{ name: string; title?: string; description?: string; inputSchema: unknown; annotations?: Record<string, unknown>; outputSchema?: unknown }>;
  nextCursor?: string;
}

export async function listRemoteTools(config: Config, endpoint: RemoteEndpoint): Promise<RemoteToolList> {
  const { maxToolBytes, maxToolListBytes } = config.remoteMcp;
  const host = endpoint.url.host;
  return withModernClient(config, endpoint, config.remoteMcp.timeoutMs, true, 'auto', async (client, options) => {
    const redactor = new Redactor(endpoint.secrets);
    // A server may echo our headers anywhere it describes itself: what is kept is scrubbed.
    const capabilities = redactor.value(client.getServerCapabilities() ?? {}) as Record<string, unknown>;
    const protocolVersion = client.getNegotiatedProtocolVersion() ?? 'unknown';
    // A server of resources or prompts only has no tools/list to ask (it would answer -32601).
    if (!capabilities.tools) return { tools: [], protocolVersion, capabilities };
    const tools: CachedTool[] = [];
    let listBytes = 0;
    let cursor: string | undefined;
    do {
      // One page per request: the SDK's own listTools() without a cursor walks every page first,
      // before a tool's or the list's size could be checked.
      const page = (await client.request({ method: 'tools/list', params: cursor ? { cursor } : {} } as never, options)) as unknown as ListedPage;
      if (!Array.isArray(page.tools)) throw new RemoteMcpError(`${host} answered tools/list without a list of tools`, false, { host, reason: 'rpc' });
      for (const tool of page.tools) {
        if (typeof tool?.name !== 'string') throw new RemoteMcpError(`${host} listed a tool without a name`, false, { host, reason: 'rpc' });
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
    return { tools: redactor.value(tools), protocolVersion, capabilities };
  });
}
