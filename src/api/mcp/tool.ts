import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ClientCapabilities, LoggingLevel, ServerNotification, ServerRequest, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { AssignmentRow } from '../../db/tables/remoteMcpConnectors.js';
import type { ServerRow } from '../../db/tables/servers.js';
import type { ApiDependencies } from '../context.js';
import type { AuthContext } from '../../policy/caller.js';
import type { CallerRequestSurface, RelayState } from './callerRequests.js';

export interface ToolContext {
  deps: ApiDependencies;
  auth: AuthContext & { serverId: string };
  server: ServerRow;
  /** The server's connector assignments, when authentication read them with the access token (else read when needed). */
  assignments?: readonly AssignmentRow[];
  /** The account's connectors version, read with the access token: the account's connector rows may come from this process's copy of that version. */
  connectorsVersion?: number;
  signal: AbortSignal;
  /**
   * What the client declared: on 2025-era requests at initialize, known when it sends back our
   * Mcp-Session-Id; on 2026-07-28 in each request's _meta (no session).
   */
  client?: { capabilities: ClientCapabilities; protocolVersion: string; sessionId?: string; logLevel?: LoggingLevel };
  /** Requests and notifications to the client on this tools/call's response stream. */
  peer?: Pick<RequestHandlerExtra<ServerRequest, ServerNotification>, 'sendRequest' | 'sendNotification'>;
  /**
   * 2026-07-28 only: URL elicitation is a multi-round-trip. The first call is answered with an
   * input request (UrlInputRequired); the client's retry carries its answer here. For a client
   * that declared the Tasks extension the link instead becomes the task's input request
   * (`asTaskInput`): the run starts at once and waits for the authorization.
   */
  urlElicitation?: { answer?: 'accept' | 'decline' | 'cancel'; asTaskInput?: boolean };
  /**
   * 2026-07-28 only, for a client that declared sampling: a tool that wants its model asked throws
   * SamplingInputRequired; the client's retry carries the model's text here.
   */
  sampling?: { answer?: string };
  /**
   * How a run's remote MCP server asks this caller (sampling, elicitation, roots) while the call
   * waits: present when the client declared one of them and can be asked on its wire.
   */
  callerRequests?: CallerRequestSurface;
  /** 2026-07-28: the retry of a call that answered input_required for its run's requests waits for that run again. */
  resumeRun?: RelayState;
  /** 2026-07-28: answers a first call already carries (no requestState), passed on to a remote server's first round. */
  inputResponses?: Record<string, unknown>;
  /** How a long run tells the client what it is doing; absent when the client asked for neither. */
  report?: RunReporter;
}

export interface RunReporter {
  /** notifications/progress, when the call carried a progressToken. */
  progress?(progress: number, message: string): Promise<void>;
  /** notifications/message at or above the level the client set with logging/setLevel. */
  log?(level: LoggingLevel, data: Record<string, unknown>): Promise<void>;
}

/** One MCP tool: its zod input (the shared schema), what it returns, and what it does. */
export interface ToolDefinition<Input extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  input: Input;
  output?: z.ZodType;
  annotations: ToolAnnotations;
  run(input: z.infer<Input>, context: ToolContext): Promise<Record<string, unknown>>;
  /** The call's result from run's; without it, run's result as JSON text and structuredContent. */
  present?(result: Record<string, unknown>): CallToolResult;
  /**
   * Wraps the whole call, before the arguments are validated: the admin tools check the caller's
   * role there (so one without it learns nothing from validation errors) and audit every outcome,
   * invalid arguments included, as the REST routes they mirror do. `call` validates and runs.
   */
  guard?(args: Record<string, unknown>, context: ToolContext, call: (context: ToolContext) => Promise<CallToolResult>): Promise<CallToolResult>;
  /** Present on tools whose work is one workflow run: clients may then call them as MCP tasks. */
  task?: {
    /**
     * Validates and starts the run without waiting: its workflow id, and the authorization link
     * the run waits on when the link is the task's input request (see urlElicitation).
     */
    start(input: z.infer<Input>, context: ToolContext): Promise<{ workflowId: string; awaitsInput?: AuthorizationLink }>;
    /** The tool's result from the run's result, as `run` would have returned it. */
    present(result: unknown, workflowId: string): Record<string, unknown>;
    /** The task's CallToolResult, when it is not present's as JSON text and structuredContent (a remote tool's, relayed whole). */
    result?(result: unknown): CallToolResult;
  };
}

/** A link someone must open so a run can go on: a credential's authorization, or (approvalId) the approval page for an approver. */
export interface AuthorizationLink {
  credentialId?: string;
  approvalId?: string;
  url: string;
  message: string;
}

/**
 * Thrown by a tool on 2026-07-28 when the user must open a URL first: the protocol layer answers
 * with an input_required result, and the client retries the same call with the user's answer.
 */
export class UrlInputRequired extends Error {
  constructor(readonly elicitation: { url: string; message: string }) {
    super('The user must open a URL before this call can run');
  }
}

/**
 * Thrown by a tool on 2026-07-28 to ask the client's model (sampling/createMessage): the protocol
 * layer answers with an input_required result, and the client retries with the model's answer.
 */
export class SamplingInputRequired extends Error {
  constructor(readonly params: { messages: unknown[]; systemPrompt?: string; maxTokens: number; temperature?: number }) {
    super("The client's model must be asked before this call can answer");
  }
}

export function defineTool<Input extends z.ZodType>(tool: ToolDefinition<Input>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}

/** JSON Schema for tools/list; zod 4 emits draft 2020-12, which MCP accepts. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}
