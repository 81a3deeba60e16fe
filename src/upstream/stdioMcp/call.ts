import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../../config.js';
import type { ActionDefinition } from '../../connectors/schema.js';
import type { Connector } from '../../connectors/types.js';
import type { Db } from '../../db/connect.js';
import type { CachedTool, RemoteMcpConnectorRow } from '../../db/tables/remoteMcpConnectors.js';
import { SwitchboardError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import { resolveHostedCommand, type HostedCommand } from '../../remoteMcp/stdio.js';
import { Redactor, redactionScope } from '../../secrets/redaction.js';
import type { SecretBox } from '../../secrets/secretBox.js';
import type { AttemptOutcome } from '../../workflows/contracts/attempt.js';
import { sizeOf } from '../boundedBody.js';
import { toolCallOutcome } from '../remoteMcp/toolResults.js';
import { hostedProcessPool } from './pool.js';

/**
 * One attempt of execute_action on a hosted stdio connector's tool, inside the
 * attemptConnectorAction activity: the command's {{variables}} are opened here and never reach
 * history, and the process is this worker's (pool.ts).
 */
export async function attemptHostedTool(
  deps: { config: Config; db: Db; secretBox: SecretBox; logger: Logger },
  call: { connector: Connector; action: ActionDefinition; toolArguments: Record<string, unknown>; row: RemoteMcpConnectorRow },
  permit: (connector: Connector) => Promise<AttemptOutcome | undefined>,
  signal?: AbortSignal,
): Promise<AttemptOutcome> {
  const { connector, action } = call;
  const target = await resolveHostedCommand(deps, call.row);
  const redactor = redactionScope()?.add(target.secrets) ?? new Redactor(target.secrets);
  const wait = await permit(connector);
  if (wait) return wait;
  const started = Date.now();
  const result = (await hostedProcessPool(deps.config.hostedMcp, deps.logger).use(
    target,
    (client, options) => client.callTool({ name: action.id, arguments: call.toolArguments }, undefined, options),
    { timeoutMs: deps.config.upstream.totalTimeoutMs, safeToRepeat: action.idempotent, ...(signal ? { signal } : {}) },
  )) as CallToolResult;
  deps.logger.debug({ connectorId: connector.id, actionId: action.id, ms: Date.now() - started }, 'hosted MCP call');
  return toolCallOutcome(result, { connector, action, redactor });
}

/** The remote connectors' bounds on a tool list we cache (REMOTE_MCP_MAX_TOOL_BYTES, REMOTE_MCP_MAX_TOOL_LIST_BYTES). */
function checkedToolList(config: Config, target: HostedCommand, tools: CachedTool[]): CachedTool[] {
  const { maxToolBytes, maxToolListBytes } = config.remoteMcp;
  const sizes = tools.map((tool) => Buffer.byteLength(JSON.stringify(tool)));
  const total = sizes.reduce((sum, bytes) => sum + bytes, 0);
  const [limit, setting] = sizes.some((bytes) => bytes > maxToolBytes) ? [maxToolBytes, 'REMOTE_MCP_MAX_TOOL_BYTES'] : [maxToolListBytes, 'REMOTE_MCP_MAX_TOOL_LIST_BYTES'];
  if (total > maxToolListBytes || limit === maxToolBytes) {
    throw new SwitchboardError('UPSTREAM_REJECTED', `Hosted MCP server "${target.name}" listed tools over ${sizeOf(limit)} (${setting}); the list was not kept`, {
      reason: 'too-large',
      limitBytes: limit,
      setting,
    });
  }
  return tools;
}

/** tools/list on the connector's process, every page, within REMOTE_MCP_TIMEOUT_MS; scrubbed of its secrets, since lists are cached and shown. */
export async function listHostedTools(config: Config, target: HostedCommand): Promise<CachedTool[]> {
  const tools = await hostedProcessPool(config.hostedMcp).use(
    target,
    async (client, options) => {
      const listed: CachedTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, options);
        for (const tool of page.tools) {
          listed.push({
            name: tool.name,
            ...(tool.title ? { title: tool.title } : {}),
            ...(tool.description ? { description: tool.description } : {}),
            inputSchema: tool.inputSchema as Record<string, unknown>,
            ...(tool.annotations ? { annotations: tool.annotations } : {}),
          });
        }
        cursor = page.nextCursor;
      } while (cursor && listed.length < 1000);
      return checkedToolList(config, target, listed);
    },
    { timeoutMs: config.remoteMcp.timeoutMs, safeToRepeat: true },
  );
  return new Redactor(target.secrets).value(tools);
}
