import type { Server as ServerV1 } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { CLIENT_CAPABILITIES_META_KEY, ProtocolError, ProtocolErrorCode, type Server as ServerV2 } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../../errors.js';
import type { Db } from '../../db/connect.js';
import type { RunRequestOwner } from '../../db/repositories/runRequests.js';
import { remoteRpcError, type Federation } from '../../remoteMcp/federation.js';
import type { ResourceSubscriptions } from '../../remoteMcp/resourceSubscriptions.js';
import { callerCapabilitiesOf } from './callerRequests.js';
import { getPromptInStream } from './promptInput.js';
import type { ToolContext } from './tool.js';

/**
 * A tools-mode server's remote resources, resource templates, prompts and completions
 * (src/remoteMcp/federation.ts) on both wires: the v1 SDK server of 2025-era requests and the v2
 * one of 2026-07-28. A read the remote server refused with a JSON-RPC error is answered with that
 * error, its code, message (scrubbed of secrets) and data as the server sent them (the v1 SDK's
 * McpError would prefix the message, so both wires throw the v2 ProtocolError). A read that failed
 * on Switchboard's side (network, auth, limits) is answered as invalid params with Switchboard's
 * error, and a resource read's error data names the URI asked for, as the 2026-07-28 spec asks of
 * a missing resource (SEP-2164).
 */
const federatedCapabilities = { resources: {}, prompts: {}, completions: {} };

type Fail = (message: string, data: unknown) => Error;

function relayed<A extends unknown[], R>(fail: Fail, read: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await read(...args);
    } catch (error) {
      // The server's own JSON-RPC error goes to the caller as it came: code, message (scrubbed) and data.
      const own = remoteRpcError(error);
      if (own) throw new ProtocolError(own.code, own.message, own.data);
      if (error instanceof SwitchboardError) throw fail(error.message, error.toBody().error);
      throw error;
    }
  };
}

/** A failed resources/read's error: data names the URI, whatever the remote server said. */
const withUri = (fail: Fail, uri: string): Fail => (message, data) => fail(message, { ...(data as object), uri });

/** A 2025-11-25 caller of a prompt that may ask it first: its session's declared capabilities, and where its answers meet. */
interface PromptCaller {
  db: Db;
  owner: RunRequestOwner;
  client: ToolContext['client'];
  timeoutMs: number;
}

export function federateV1(server: ServerV1, federation: Federation, caller: PromptCaller): void {
  const fail: Fail = (message, data) => new McpError(ErrorCode.InvalidParams, message, data);
  // A prompt's input requests go out on its stream; their answers come back on POSTs of their own, so only to a session's client.
  const callerCapabilities = caller.client?.sessionId ? callerCapabilitiesOf(caller.client.capabilities) : undefined;
  server.registerCapabilities(federatedCapabilities);
  server.setRequestHandler(ListResourcesRequestSchema, relayed(fail, () => federation.listResources() as never));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, relayed(fail, () => federation.listResourceTemplates() as never));
  server.setRequestHandler(ReadResourceRequestSchema, (request) => relayed(withUri(fail, request.params.uri), () => federation.readResource(request.params.uri))() as never);
  server.setRequestHandler(ListPromptsRequestSchema, relayed(fail, () => federation.listPrompts() as never));
  server.setRequestHandler(
    GetPromptRequestSchema,
    relayed(fail, (request, extra) => {
      const { name, arguments: args } = request.params;
      if (!callerCapabilities) return federation.getPrompt(name, args) as never;
      const { db, owner, timeoutMs } = caller;
      const stream = { db, owner, transport: server.transport, relatedRequestId: extra.requestId, signal: extra.signal, timeoutMs };
      return getPromptInStream(stream, (retry) => federation.getPrompt(name, args, { ...retry, callerCapabilities: callerCapabilities as Record<string, unknown> })) as never;
    }),
  );
  server.setRequestHandler(CompleteRequestSchema, relayed(fail, (request) => federation.complete(request.params) as never));
}

export function federateV2(server: ServerV2, federation: Federation): void {
  const fail: Fail = (message, data) => new ProtocolError(ProtocolErrorCode.InvalidParams, message, data);
  server.registerCapabilities(federatedCapabilities);
  server.setRequestHandler('resources/list', relayed(fail, () => federation.listResources() as never));
  server.setRequestHandler('resources/templates/list', relayed(fail, () => federation.listResourceTemplates() as never));
  server.setRequestHandler('resources/read', (request) => relayed(withUri(fail, request.params.uri), () => federation.readResource(request.params.uri))() as never);
  server.setRequestHandler('prompts/list', relayed(fail, () => federation.listPrompts() as never));
  // A prompt's input_required round trip is the remote server's own: its keys and requestState pass through, both ways.
  server.setRequestHandler(
    'prompts/get',
    relayed(fail, (request, ctx) =>
      federation.getPrompt(request.params.name, request.params.arguments, {
        inputResponses: ctx.mcpReq.inputResponses,
        requestState: ctx.mcpReq.requestState(),
        callerCapabilities: (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as Record<string, unknown> | undefined,
      }) as never,
    ),
  );
  server.setRequestHandler('completion/complete', relayed(fail, (request) => federation.complete(request.params as never) as never));
}

/**
 * resources/subscribe and resources/unsubscribe of a 2025-11-25 session (src/remoteMcp/resourceSubscriptions.ts):
 * `resources.subscribe` is declared at initialize when an offered remote server offers it, and
 * a refusal is answered as a read's is, naming the URI. Updates reach the session's standing GET
 * stream (resourceUpdates.ts). Without a session there is nowhere to send them.
 */
export function relaySubscriptionsV1(server: ServerV1, subscriptions: ResourceSubscriptions, sessionId: string | undefined, initialize: boolean): void {
  if (initialize && sessionId && subscriptions.offered()) server.registerCapabilities({ resources: { subscribe: true } });
  const fail: Fail = (message, data) => new McpError(ErrorCode.InvalidParams, message, data);
  const inSession = (method: string) => {
    if (!sessionId) throw new McpError(ErrorCode.InvalidRequest, `${method} needs a session: initialize, then send its Mcp-Session-Id`);
    return sessionId;
  };
  server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const session = inSession(request.method);
    await relayed(withUri(fail, request.params.uri), () => subscriptions.subscribe(session, request.params.uri))();
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    await subscriptions.unsubscribe(inSession(request.method), request.params.uri);
    return {};
  });
}
