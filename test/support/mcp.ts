import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
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
