import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { actionParametersSchema } from '../../connectors/parameters.js';
import { resolveConnectors } from '../../connectors/registry.js';
import { isRemoteMcpConnectorId } from '../../remoteMcp/connector.js';
import type { ActionDefinition } from '../../connectors/schema.js';
import type { Connector } from '../../connectors/types.js';
import { SwitchboardError } from '../../errors.js';
import { mayUse } from '../../policy/use.js';
import { connectorForUse, type UseScope } from '../../runs/prepare.js';
import { serverListings, serverUseScope } from '../../servers/scope.js';
import { nameTools, type NamedCandidate } from '../../servers/toolNames.js';
import { executeActionInput } from '../../runs/schemas.js';
import { usableActions } from './tools/catalog.js';
import { awaitActionRun, executeActionTool, presentAction } from './tools/execute.js';
import { defineTool, jsonSchemaOf, type ToolContext, type ToolDefinition } from './tool.js';
import { ProtocolError, type Tool as Revision2026Tool } from '@modelcontextprotocol/server';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { listRemoteMcpConnectors } from '../../db/repositories/remoteMcpConnectors.js';
import type { RemoteMcpConnectorRow } from '../../db/tables/remoteMcpConnectors.js';
import { federation, remoteRpcError } from '../../remoteMcp/federation.js';
import { resourceSubscriptions } from '../../remoteMcp/resourceSubscriptions.js';
import { revision2026Mcp } from './revision2026.js';
import { cachedOffer } from './toolsModeCache.js';
import { federateV1, federateV2, relaySubscriptionsV1 } from './toolsModeFederation.js';
import { describeTools } from './server.js';
import { adminTools } from './tools/admin/index.js';
import { relayedResult, remoteTaskResult, remoteToolDescription } from './toolsModeRemote.js';
import { listed, searchToolsTool, type OfferedTool } from './toolsModeSearch.js';

/**
 * A tools-mode server (docs/tools-mode.md): each action its assigned connectors offer this caller
 * becomes a tool of its own. What is offered is decided by the same policy as execute_action
 * (src/policy/use.ts, through serverListings and usableActions), and a call is execute_action's
 * own durable run (tools/execute.ts), so throttles, retries, credentials, the elicitation of a
 * missing credential and audit are the same on both modes.
 */

type RequestContext = Omit<ToolContext, 'signal' | 'peer'>;

interface ActionCandidate extends NamedCandidate {
  connector: Connector;
  action: ActionDefinition;
}

/** Arguments pass through as they are: the run's preparation checks them against the action (src/runs/prepare.ts). */
const anyArguments = z.record(z.string(), z.unknown());

function candidateOf(connector: Connector, action: ActionDefinition): ActionCandidate {
  const key = `${connector.id}:${action.id}`;
  if (connector.origin === 'remote-mcp') {
    // A remote server's tool keeps its own name; only a collision prefixes it with the server's id.
    return { key, preferred: action.id, qualified: `${connector.id}_${action.id}`, connector, action };
  }
  const name = `${connector.id}_${action.id}`;
  return { key, preferred: name, qualified: name, connector, action };
}

/** Catalogue definitions live as long as the process: each action's JSON Schema is built once. */
const inputSchemas = new WeakMap<ActionDefinition, Tool['inputSchema']>();

function inputSchemaOf(action: ActionDefinition): Tool['inputSchema'] {
  let schema = inputSchemas.get(action);
  if (!schema) {
    schema = jsonSchemaOf(actionParametersSchema(action), 'input') as Tool['inputSchema'];
    inputSchemas.set(action, schema);
  }
  return schema;
}

function describeAction(name: string, connector: Connector, action: ActionDefinition): Tool {
  if (connector.origin === 'remote-mcp') return remoteToolDescription(name, connector, action);
  const title = `${connector.name}: ${action.title}`;
  return {
    name,
    title,
    description: action.description || action.title,
    inputSchema: inputSchemaOf(action),
    annotations: {
      title,
      readOnlyHint: action.method === 'GET',
      destructiveHint: action.destructive ?? action.method === 'DELETE',
      idempotentHint: action.idempotent ?? false,
      openWorldHint: true,
    },
    execution: { taskSupport: 'optional' },
  };
}

function actionTool(name: string, connector: Connector, action: ActionDefinition): ToolDefinition {
  const remote = connector.origin === 'remote-mcp';
  return {
    ...defineTool({
      name,
      title: action.title,
      description: action.description,
      input: anyArguments,
      annotations: {},
      async run(args, context) {
        const input = executeActionInput.parse({ connectorId: connector.id, actionId: action.id, parameters: args });
        try {
          const { outcome, workflowId } = await awaitActionRun(input, context);
          if (remote && outcome.toolResult) return { toolResult: outcome.toolResult };
          return presentAction(outcome, workflowId);
        } catch (error) {
          // A remote tool's own error result is relayed as it came (isError, every content item).
          const relayed = remote && error instanceof SwitchboardError ? error.details.toolResult : undefined;
          if (relayed) return { toolResult: relayed };
          // The server's own JSON-RPC error (a 2026-07-28 server's missing capability, naming it, say) reaches the caller as it came.
          const own = remote ? remoteRpcError(error) : undefined;
          if (own) throw new ProtocolError(own.code, own.message, own.data);
          throw error;
        }
      },
    }),
    // A catalogue or custom action's task is execute_action's; a remote tool's is the same run, its result relayed whole.
    ...(remote ? { present: relayedResult, task: { ...actionTask(connector, action), result: remoteTaskResult } } : { task: actionTask(connector, action) }),
  };
}

function actionTask(connector: Connector, action: ActionDefinition): NonNullable<ToolDefinition['task']> {
  const task = executeActionTool.task!;
  return {
    start: (args, context) => task.start(executeActionInput.parse({ connectorId: connector.id, actionId: action.id, parameters: args }), context),
    present: task.present,
  };
}

/**
 * Every connector the server offers this caller, resolved: catalogue and custom ones all at once,
 * remote MCP servers one by one (a server never listed is listed now); one that cannot be
 * resolved now (a remote server down, an `oauth` one not signed in) is left out of this list.
 */
async function offeredConnectors(context: RequestContext, scope: UseScope): Promise<{ connectors: Connector[]; complete: boolean }> {
  const { listings } = await serverListings(context.deps, context.auth, context.server, {}, context.assignments);
  const usable = listings.filter((listing) => listing.enabled && scope.grant && mayUse(scope, scope.grant, listing.id)).map((listing) => listing.id);
  const [local, remote] = await Promise.all([
    resolveConnectors(context.deps.db, context.auth.accountId, usable.filter((id) => !isRemoteMcpConnectorId(id))),
    Promise.all(
      usable.filter(isRemoteMcpConnectorId).map((connectorId) =>
        connectorForUse(context.deps.db, scope, connectorId).catch((error: unknown) => {
          if (!(error instanceof SwitchboardError)) throw error;
          context.deps.logger.info({ connectorId, code: error.code }, 'tools mode: remote server left out of the tool list');
          return undefined;
        }),
      ),
    ),
  ]);
  const resolved = remote.filter((connector): connector is Connector => connector !== undefined);
  return { connectors: [...local, ...resolved], complete: resolved.length === remote.length };
}

/** What a tools-mode server offers one caller: every tool it may call, and the ones tools/list shows. */
export interface OfferedTools {
  /** Every tool, callable by name whether listed or not. */
  tools: ToolDefinition[];
  /** tools/list: every tool, or past TOOLS_MODE_MAX_TOOLS the first of them and search_tools. */
  described: Tool[];
  /** The remote MCP servers offered, whose resources and prompts are relayed too. */
  remoteRows: RemoteMcpConnectorRow[];
  /** False when a remote server could not be resolved now and was left out. */
  complete: boolean;
}

export async function offeredTools(context: RequestContext): Promise<OfferedTools> {
  const scope = await serverUseScope(context.deps, context.auth, context.server, context.assignments);
  const { connectors, complete } = await offeredConnectors(context, scope);
  const named = nameTools(connectors.flatMap((connector) => usableActions(scope, connector).map((action) => candidateOf(connector, action))));
  const offered: OfferedTool[] = [
    ...named.map(({ name, connector, action }) => ({
      name,
      title: action.title,
      description: `${connector.name}: ${action.description}`,
      describe: () => describeAction(name, connector, action),
    })),
    ...(context.server.admin ? adminExtras : []),
  ];
  const tools = [...named.map(({ name, connector, action }) => actionTool(name, connector, action)), ...(context.server.admin ? adminTools : [])];
  const remoteIds = connectors.flatMap((connector) => (connector.remoteMcp ? [connector.remoteMcp.mcpConnectorId] : []));
  const remoteRows = remoteIds.length > 0 ? await listRemoteMcpConnectors(context.deps.db, context.auth.accountId, remoteIds) : [];
  const cap = context.deps.config.toolsMode.maxTools;
  return { tools: offered.length > cap ? [...tools, searchToolsTool(offered)] : tools, described: listed(offered, cap), remoteRows, complete };
}

/** An admin server in tools mode also offers the management tools. */
const adminExtras: OfferedTool[] = describeTools(adminTools as readonly ToolDefinition[]).map((tool) => ({ ...tool, describe: () => tool }));

/**
 * What route.ts serves a tools-mode server's request with: the caller's tools (kept per process
 * while nothing they are built from changes: toolsModeCache.ts), and its remote servers'
 * resources and prompts, on both wires.
 */
export async function toolsModeServing(context: RequestContext) {
  const { tools, described, remoteRows } = await cachedOffer(context, () => offeredTools(context));
  const remote = remoteRows.length > 0 ? federation(context.deps, context.auth, remoteRows) : undefined;
  const subscriptions = remote && resourceSubscriptions(context.deps, context.auth, remoteRows);
  return {
    tools,
    described,
    remoteRows,
    revision2026: revision2026Mcp(tools, described as Revision2026Tool[], remote && ((server) => federateV2(server, remote))),
    federate:
      remote &&
      ((server: Server, session: ToolContext['client'], body: unknown) => {
        federateV1(server, remote, { db: context.deps.db, owner: context.auth, client: session, timeoutMs: context.deps.config.upstream.totalTimeoutMs });
        relaySubscriptionsV1(server, subscriptions!, session?.sessionId, (body as { method?: unknown } | undefined)?.method === 'initialize');
      }),
  };
}
