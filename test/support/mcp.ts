import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
  type ClientCapabilities as ClientCapabilitiesV2,
} from '@modelcontextprotocol/client';
import { createTaskSessionFromClient, type RawClientDispatch } from '@modelcontextprotocol/ext-tasks/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type ElicitRequestURLParams } from '@modelcontextprotocol/sdk/types.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * fetch for a long-lived SDK client. Its transport passes one AbortSignal (its own, aborted by
 * close()) to every request, and fetch adds an abort listener to that signal per request, dropped
 * only when the request is garbage-collected: a client making thousands of calls piled up
 * thousands of listeners (MaxListenersExceededWarning past 1,500 in the bench's load generator).
 * Each request gets a signal of its own that follows the transport's; AbortSignal.any holds no
 * listener on its sources, so close() still aborts what is in flight.
 */
const fetchWithOwnSignal: FetchLike = (url, init) => fetch(url, init?.signal ? { ...init, signal: AbortSignal.any([init.signal]) } : init);

/** The SDK's Streamable HTTP client transport, with a signal of its own per request (fetchWithOwnSignal). */
export function mcpTransport(url: string | URL, requestInit: RequestInit = {}): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(url), { requestInit, fetch: fetchWithOwnSignal });
}

/** An official SDK client over Streamable HTTP, as Claude Desktop or Cursor would connect. */
export async function connectMcp(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'switchboard-tests', version: '1.0.0' });
  await client.connect(mcpTransport(url, { headers }));
  return client;
}

/** The protocol revision SDK v2 clients negotiate with us (server/discover), and the Tasks extension's id on it. */
export const MODERN_REVISION = '2026-07-28';
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/**
 * An SDK v2 client negotiating as new clients do (server/discover, then 2026-07-28); fails unless
 * that is the revision agreed. `configure` sets its request handlers before it connects.
 */
export async function connectMcpV2(
  url: string,
  options: { name?: string; capabilities?: ClientCapabilitiesV2; configure?: (client: ClientV2) => void } = {},
): Promise<ClientV2> {
  const client = new ClientV2({ name: options.name ?? 'switchboard-tests-v2', version: '1.0.0' }, { capabilities: options.capabilities ?? {}, versionNegotiation: { mode: 'auto' } });
  options.configure?.(client);
  await client.connect(new TransportV2(new URL(url)));
  const negotiated = client.getNegotiatedProtocolVersion();
  if (negotiated !== MODERN_REVISION) {
    await client.close();
    throw new Error(`the SDK v2 client negotiated ${negotiated}, not ${MODERN_REVISION}`);
  }
  return client;
}

/**
 * An SDK v1 client (2025-11-25) that declares URL elicitation and accepts what it is asked;
 * `elicitation` resolves with the first request's parameters (the URL the user would open).
 */
export async function connectMcpWithUrlElicitation(
  url: string,
  name: string,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport; elicitation: Promise<ElicitRequestURLParams> }> {
  const client = new Client({ name, version: '1.0.0' }, { capabilities: { elicitation: { url: {} } } });
  let elicited!: (params: ElicitRequestURLParams) => void;
  const elicitation = new Promise<ElicitRequestURLParams>((resolve) => (elicited = resolve));
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    elicited(request.params as ElicitRequestURLParams);
    return { action: 'accept' };
  });
  const transport = mcpTransport(url);
  await client.connect(transport);
  return { client, transport, elicitation };
}

/** One JSON-RPC request over Streamable HTTP as 2026-07-28 frames it, its answer read from JSON or SSE. */
export async function postModern(
  url: string,
  request: { method: string; params?: Record<string, unknown> },
  headers: Record<string, string> = {},
): Promise<Record<string, any>> {
  const name = request.params?.name ?? request.params?.taskId;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN_REVISION,
      'mcp-method': request.method,
      ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, ...request }),
  });
  const text = await response.text();
  if (!response.headers.get('content-type')?.includes('text/event-stream')) return JSON.parse(text) as Record<string, any>;
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.length > 6)
    .map((line) => JSON.parse(line.slice(6)) as Record<string, any>)
    .find((message) => 'result' in message || 'error' in message)!;
}

/**
 * The Tasks extension's own client (@modelcontextprotocol/ext-tasks) over an SDK v2 client that
 * declares it. The extension needs the raw request path: the SDK's codecs reject its 2026-07-28
 * task traffic, so its requests go through postModern.
 */
export async function connectTaskSession(url: string, clientInfo: { name: string; version: string }) {
  const capabilities = { extensions: { [TASKS_EXTENSION]: {} } };
  const client = await connectMcpV2(url, { name: clientInfo.name, capabilities });
  const rawDispatch: RawClientDispatch = async (request) => {
    const answer = await postModern(url, request as { method: string; params?: Record<string, unknown> });
    return 'error' in answer ? { kind: 'error', error: answer.error } : { kind: 'result', result: answer.result };
  };
  const session = createTaskSessionFromClient(client, {
    endpointId: clientInfo.name,
    rawDispatch,
    v2RequestFraming: { protocolVersion: MODERN_REVISION, clientInfo, clientCapabilities: capabilities },
  });
  return { session, close: () => session.close() };
}

export async function api(
  baseUrl: string,
  apiKey: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as any) : undefined };
}

export interface ToolErrorBody {
  code: string;
  message: string;
  details?: any;
}

/**
 * The `{code, message, details}` of a tool error result, read from its text block as an agent
 * reads it (error results carry no structuredContent, so that no client checks them against the
 * tool's outputSchema). Undefined when the result is not an error in our format.
 */
export function toolError(result: unknown): ToolErrorBody | undefined {
  const { isError, content } = (result ?? {}) as { isError?: boolean; content?: Array<{ type: string; text?: string }> };
  const text = isError ? content?.find((block) => block.type === 'text')?.text : undefined;
  if (!text) return undefined;
  try {
    return (JSON.parse(text) as { error?: ToolErrorBody }).error;
  } catch {
    return undefined;
  }
}

/** A tool error result as a thrown error, so a test can await a call and catch its code. */
export class ToolCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: any = {},
  ) {
    super(message);
  }
}

export interface ExecutedAction {
  status: number;
  data: any;
  notes?: string[];
  credentialId?: string;
  workflowId: string;
}

/** execute_action over MCP, as an agent calls it: the shaped result, or the tool error thrown as a ToolCallError. */
export async function executeAction(
  client: Client,
  input: { connectorId: string; actionId: string; parameters?: Record<string, unknown>; credentialId?: string },
): Promise<ExecutedAction> {
  return actionOutcome(await client.callTool({ name: 'execute_action', arguments: input }));
}

/** An execute_action tool result read as executeAction returns it. */
export function actionOutcome(result: Awaited<ReturnType<Client['callTool']>>): ExecutedAction {
  const error = toolError(result);
  if (error) throw new ToolCallError(error.code, error.message, error.details ?? {});
  if (result.isError) throw new Error(`execute_action failed outside the error format: ${JSON.stringify(result.content)}`);
  const { result: data, ...rest } = result.structuredContent as { result: unknown; status: number; workflowId: string; notes?: string[]; credentialId?: string };
  return { data, ...rest };
}
