import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  CreateMessageResultSchema,
  ElicitRequestSchema,
  ElicitResultSchema,
  ErrorCode,
  ListRootsRequestSchema,
  ListRootsResultSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { Db } from '../../db/connect.js';
import { insertRunRequest, MAX_RUN_REQUEST_BYTES, readRunRequestAnswer, type RunRequestOwner } from '../../db/repositories/runRequests.js';
import type { RelayedRequestMethod } from '../../db/tables/runRequests.js';
import type { Redactor } from '../../secrets/redaction.js';
import type { CallerCapabilities } from '../../workflows/contracts/action.js';

/** How often the attempt looks for the caller's answer: one primary-key read. */
const ANSWER_POLL_MS = 200;

/**
 * What a remote MCP server may ask the caller of a tools-mode call (sampling, elicitation, roots),
 * relayed through the run's requests (run_requests): this attempt holds the remote session, so it
 * records the request, scrubbed of the connector's secrets, and waits for the answer the API
 * process answering the caller writes (src/api/mcp/callerRequests.ts), on any process. The wait is
 * bounded by the call's deadline: past it the server is told CALLER_INPUT_TIMEOUT.
 */
export interface CallerRequestRelay {
  /** What the caller declared: declared to the remote server, and only that. */
  capabilities: CallerCapabilities;
  workflowId: string;
  owner: RunRequestOwner;
  /** 2026-07-28: what the caller's first call already answered, given to the server's first round. */
  initialResponses?: Record<string, unknown>;
}

interface Handled {
  method: RelayedRequestMethod;
  request: typeof CreateMessageRequestSchema | typeof ElicitRequestSchema | typeof ListRootsRequestSchema;
  result: z.ZodType;
}

function handledRequests(capabilities: CallerCapabilities): Handled[] {
  return [
    ...(capabilities.sampling ? [{ method: 'sampling/createMessage' as const, request: CreateMessageRequestSchema, result: CreateMessageResultSchema }] : []),
    ...(capabilities.elicitation ? [{ method: 'elicitation/create' as const, request: ElicitRequestSchema, result: ElicitResultSchema }] : []),
    ...(capabilities.roots ? [{ method: 'roots/list' as const, request: ListRootsRequestSchema, result: ListRootsResultSchema }] : []),
  ];
}

/** Waits `ms`, or less when the signal aborts (never rejects). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** Handles the server's requests the caller declared, on a client connected with those capabilities. */
export function relayCallerRequests(db: Db, relay: CallerRequestRelay, client: Client, redactor: Redactor, signal: AbortSignal): void {
  for (const handled of handledRequests(relay.capabilities)) {
    client.setRequestHandler(handled.request, async (request, extra) => {
      const params = redactor.value(request.params ?? {}) as Record<string, unknown>;
      if (Buffer.byteLength(JSON.stringify(params)) > MAX_RUN_REQUEST_BYTES) {
        throw new McpError(ErrorCode.InvalidRequest, `REQUEST_TOO_LARGE: ${handled.method} params over ${MAX_RUN_REQUEST_BYTES} bytes are not relayed to the caller`);
      }
      const requestId = randomUUID();
      if (!(await insertRunRequest(db, relay.owner, { requestId, workflowId: relay.workflowId, method: handled.method, params }))) {
        throw new McpError(ErrorCode.InvalidRequest, 'TOO_MANY_REQUESTS: this call has asked its caller too many times');
      }
      const stop = AbortSignal.any([signal, extra.signal]);
      while (!stop.aborted) {
        const answer = await readRunRequestAnswer(db, requestId);
        if (answer && 'error' in answer) throw new McpError(answer.error.code, answer.error.message);
        if (answer) {
          const parsed = handled.result.safeParse(answer.result);
          if (!parsed.success) throw new McpError(ErrorCode.InternalError, `The caller's answer to ${handled.method} was not a valid result`);
          return parsed.data as never;
        }
        await pause(ANSWER_POLL_MS, stop);
      }
      throw new McpError(ErrorCode.RequestTimeout, `CALLER_INPUT_TIMEOUT: the caller did not answer ${handled.method} before the call's deadline`);
    });
  }
}
