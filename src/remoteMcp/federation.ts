import type { RemoteMcpConnectorRow } from '../db/tables/remoteMcpConnectors.js';
import { NotFoundError, SwitchboardError } from '../errors.js';
import { nameTools } from '../servers/toolNames.js';
import { connectorIdOfRow } from './connector.js';
import type { RelayedMethod, RemoteMcpDependencies } from './ports.js';
import { userEndpoint } from './signIn.js';
import { resolveEndpoint } from './variables.js';

/**
 * What a tools-mode server offers of its remote MCP servers besides their tools (docs/tools-mode.md):
 * their resources, resource templates, prompts and completions, each read relayed to the server
 * it came from. Resources keep their URIs; prompts keep their names unless two servers share one,
 * then both are prefixed with their connector id, as tools are (src/servers/toolNames.ts).
 */

interface Caller {
  accountId: string;
  userId: string;
}

/** Pages of a list followed per server at most: a list is answered at once, not streamed. */
const MAX_PAGES = 10;

type Answer = Record<string, unknown>;

/** A remote server's own JSON-RPC error, as the outbound client recorded it (scrubbed): relayed to the caller as it came. */
export interface RemoteRpcError {
  code: number;
  message: string;
  data?: unknown;
}

/** The server's own JSON-RPC error behind a failure, if it was one; Switchboard's own failures (network, auth, limits) are not. */
export function remoteRpcError(error: unknown): RemoteRpcError | undefined {
  if (!(error instanceof SwitchboardError)) return undefined;
  const { mcpCode, mcpMessage, mcpData } = error.details;
  if (typeof mcpCode !== 'number' || typeof mcpMessage !== 'string') return undefined;
  return { code: mcpCode, message: mcpMessage, ...(mcpData !== undefined ? { data: mcpData } : {}) };
}

const METHOD_NOT_FOUND = -32601;
const NOT_FOUND_CODES = new Set([-32002, -32602]);

/**
 * Whether a server's refusal says more than "not mine": not a missing method, nor a not-found
 * whose data names at most the URI. Of several servers asked for one URI, that one is relayed.
 */
function saysMore(error: RemoteRpcError): boolean {
  if (error.code === METHOD_NOT_FOUND) return false;
  const data = error.data;
  const onlyUri = data === undefined || (typeof data === 'object' && data !== null && Object.keys(data).every((key) => key === 'uri'));
  return !(NOT_FOUND_CODES.has(error.code) && onlyUri);
}

export function federation(deps: RemoteMcpDependencies, caller: Caller, rows: readonly RemoteMcpConnectorRow[]) {
  const servers = [...rows].sort((a, b) => connectorIdOfRow(a).localeCompare(connectorIdOfRow(b)));

  const ask = async (row: RemoteMcpConnectorRow, method: RelayedMethod, params: Answer, callerCapabilities?: Answer): Promise<Answer> => {
    const endpoint = row.type === 'oauth' ? await userEndpoint(deps, caller, row) : await resolveEndpoint(deps, row);
    return deps.remoteMcp.relay(endpoint, method, params, { protocolVersion: row.protocol_version, ...(callerCapabilities ? { callerCapabilities } : {}) });
  };

  /** Every page of one list from every server; a server that fails (or offers no such list) is left out, and logged. */
  const listAll = async (method: RelayedMethod, field: string): Promise<Array<{ row: RemoteMcpConnectorRow; item: Answer }>> => {
    const perServer = await Promise.all(
      servers.map(async (row) => {
        const items: Answer[] = [];
        try {
          let cursor: string | undefined;
          for (let page = 0; page < MAX_PAGES; page += 1) {
            const answer = await ask(row, method, cursor ? { cursor } : {});
            items.push(...((answer[field] as Answer[] | undefined) ?? []));
            cursor = answer.nextCursor as string | undefined;
            if (!cursor) break;
          }
        } catch (error) {
          if (!(error instanceof SwitchboardError)) throw error;
          deps.logger.info({ mcpConnectorId: row.id, method, code: error.code }, 'tools mode: a remote server left out of a list');
        }
        return items.map((item) => ({ row, item }));
      }),
    );
    return perServer.flat();
  };

  /**
   * The first server that answers: for a URI any of them may serve. When none does, a lone
   * server's failure is the answer; of several, the first refusal that says more than "not mine".
   */
  const firstAnswer = async (method: RelayedMethod, params: Answer, notFound: string): Promise<Answer> => {
    const failures: SwitchboardError[] = [];
    for (const row of servers) {
      try {
        return await ask(row, method, params);
      } catch (error) {
        if (!(error instanceof SwitchboardError)) throw error;
        failures.push(error);
      }
    }
    if (servers.length === 1 && failures[0]) throw failures[0];
    throw failures.find((failure) => {
      const own = remoteRpcError(failure);
      return own !== undefined && saysMore(own);
    }) ?? new NotFoundError(notFound);
  };

  const prompts = async () =>
    nameTools(
      (await listAll('prompts/list', 'prompts')).map(({ row, item }) => {
        const own = String(item.name);
        const connectorId = connectorIdOfRow(row);
        return { key: `${connectorId}:${own}`, preferred: own, qualified: `${connectorId}_${own}`, row, item, own };
      }),
    );
  const promptNamed = async (name: string) => {
    const found = (await prompts()).find((prompt) => prompt.name === name);
    if (!found) throw new NotFoundError(`Unknown prompt "${name}"`, { name });
    return found;
  };

  return {
    hasServers: servers.length > 0,
    listResources: async () => ({ resources: (await listAll('resources/list', 'resources')).map(({ item }) => item) }),
    listResourceTemplates: async () => ({ resourceTemplates: (await listAll('resources/templates/list', 'resourceTemplates')).map(({ item }) => item) }),
    readResource: (uri: string) => firstAnswer('resources/read', { uri }, `Resource not found: ${uri}`),
    listPrompts: async () => ({ prompts: (await prompts()).map(({ name, item }) => ({ ...item, name })) }),
    /**
     * A prompt may ask its caller first (2026-07-28's input_required, relayed as the server gave it):
     * the retry's inputResponses and requestState go back to the server that asked, with what the caller declared.
     */
    async getPrompt(name: string, args: Record<string, string> | undefined, retry: { inputResponses?: unknown; requestState?: unknown; callerCapabilities?: Answer } = {}) {
      const prompt = await promptNamed(name);
      const { inputResponses, requestState, callerCapabilities } = retry;
      const params = { name: prompt.own, ...(args ? { arguments: args } : {}), ...(inputResponses !== undefined ? { inputResponses } : {}), ...(requestState !== undefined ? { requestState } : {}) };
      return ask(prompt.row, 'prompts/get', params, callerCapabilities);
    },
    async complete(params: { ref: { type: string; name?: string; uri?: string } } & Answer) {
      if (params.ref.type === 'ref/prompt') {
        const prompt = await promptNamed(params.ref.name ?? '');
        return ask(prompt.row, 'completion/complete', { ...params, ref: { ...params.ref, name: prompt.own } });
      }
      return firstAnswer('completion/complete', params, `No completions for ${params.ref.uri ?? 'this reference'}`);
    },
  };
}

export type Federation = ReturnType<typeof federation>;
