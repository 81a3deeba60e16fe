import type { Db } from '../db/connect.js';
import { getRemoteMcpConnectorBySlug } from '../db/repositories/remoteMcpConnectors.js';
import type { CachedTool, RemoteMcpConnectorRow } from '../db/tables/remoteMcpConnectors.js';
import { ConnectorNotFoundError } from '../errors.js';
import type { Connector, ConnectorSettings } from '../connectors/types.js';
import { ACTION_ID_PATTERN, connectorCategorySchema, type ActionDefinition, type ActionParameter, type AuthMethod } from '../connectors/schema.js';
import { predefinedEntry } from './predefinedEntries.js';

/** Connector ids agents see for remote MCP servers; custom connectors may not use the prefix. */
export const REMOTE_MCP_PREFIX = 'mcp-';
const TOOLS_RESOURCE = 'tools';

export function isRemoteMcpConnectorId(connectorId: string): boolean {
  return connectorId.startsWith(REMOTE_MCP_PREFIX);
}

export function slugOfName(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 58)
    .replace(/-+$/, '');
  return slug || 'server';
}

export const connectorIdOfRow = (row: Pick<RemoteMcpConnectorRow, 'slug'>) => `${REMOTE_MCP_PREFIX}${row.slug}`;

const parameterTypes = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

function parameterType(schema: Record<string, unknown>): ActionParameter['type'] {
  const declared = Array.isArray(schema.type) ? (schema.type as unknown[]).find((t) => t !== 'null') : schema.type;
  return typeof declared === 'string' && parameterTypes.has(declared) ? (declared as ActionParameter['type']) : 'string';
}

/** Input schema properties become body parameters, for get_action_details; validation uses the full schema. */
function parametersOf(tool: CachedTool): ActionParameter[] {
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set(Array.isArray(tool.inputSchema.required) ? (tool.inputSchema.required as string[]) : []);
  return Object.entries(properties)
    .slice(0, 500)
    .map(([name, schema]) => {
      const type = parameterType(schema);
      const sample = schema.default ?? (Array.isArray(schema.examples) ? (schema.examples as unknown[])[0] : undefined);
      return {
        name,
        in: 'body' as const,
        type,
        required: required.has(name),
        ...(typeof schema.description === 'string' ? { description: schema.description.slice(0, 1000) } : {}),
        ...(sample !== undefined ? { sample } : {}),
        ...(Array.isArray(schema.enum) ? { enum: (schema.enum as unknown[]).slice(0, 200) } : {}),
        ...(type === 'array' || type === 'object' ? { schema } : {}),
      };
    });
}

function actionOfTool(tool: CachedTool): ActionDefinition {
  const annotations = tool.annotations ?? {};
  return {
    id: tool.name,
    resource: TOOLS_RESOURCE,
    title: (tool.title ?? tool.name).slice(0, 300),
    description: (tool.description ?? '').slice(0, 2000),
    method: 'POST',
    path: `/tools/${tool.name}`,
    parameters: parametersOf(tool),
    bodyEncoding: 'json',
    response: {},
    // Only what the server promises: an unmarked tool may act, so it is never resent blindly.
    idempotent: annotations.readOnlyHint === true || annotations.idempotentHint === true,
    ...(annotations.destructiveHint !== undefined ? { destructive: annotations.destructiveHint } : {}),
  };
}

/** Tool names outside our action id alphabet cannot be addressed through execute_action. */
const addressableTools = (tools: CachedTool[]) => tools.filter((tool) => ACTION_ID_PATTERN.test(tool.name));

/** The URL shown for a row: the masked one, or a predefined entry's. */
const shownUrlOf = (row: Pick<RemoteMcpConnectorRow, 'url' | 'oauth_mcp'>) => row.url ?? predefinedEntry(row.oauth_mcp ?? '')?.url ?? '';

/**
 * An `oauth` server takes the user's OAuth credential, so credentials, URL elicitation and the
 * refresher treat it like any OAuth connector. The endpoints are discovered at the first sign-in
 * (mcpOAuthClients), so the method names the server itself; its client settings are unused.
 */
function authMethodsOf(row: RemoteMcpConnectorRow): AuthMethod[] {
  if (row.type !== 'oauth') return [{ type: 'none' }];
  const url = shownUrlOf(row);
  return [{ type: 'oauth2', authorizationUrl: url, tokenUrl: url, scopes: [], scopeSeparator: ' ', tokenEndpointAuthMethod: 'client_secret_basic', pkce: true }];
}

/** A remote MCP connector as a Connector, its tools (from the cached list) as actions. */
const REMOTE_RATE_LIMIT = { requestsPerSecond: 10 };

export function remoteMcpConnector(row: RemoteMcpConnectorRow, settings: ConnectorSettings): Connector {
  const tools = addressableTools(row.tools ?? []);
  const category = connectorCategorySchema.safeParse(row.category);
  return {
    id: connectorIdOfRow(row),
    name: row.name,
    category: category.success ? category.data : 'other',
    description: `Remote MCP server "${row.name}" (${tools.length} tools)`,
    baseUrl: shownUrlOf(row),
    authMethods: authMethodsOf(row),
    resources: [{ id: TOOLS_RESOURCE, name: 'Tools' }],
    actions: tools.map(actionOfTool),
    // The account's limit applies here as to any connector (src/connectors/registry.ts).
    rateLimit: settings.rateLimit ?? REMOTE_RATE_LIMIT,
    ...(settings.rateLimit ? { ownRateLimit: REMOTE_RATE_LIMIT } : {}),
    origin: 'remote-mcp',
    settings,
    remoteMcp: {
      mcpConnectorId: row.id,
      cachedAt: row.tools_cached_at,
      inputSchemas: Object.fromEntries(tools.map((tool) => [tool.name, tool.inputSchema])),
      tools: Object.fromEntries(
        tools.map((tool) => [
          tool.name,
          {
            ...(tool.title ? { title: tool.title } : {}),
            ...(tool.annotations ? { annotations: tool.annotations } : {}),
            ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
          },
        ]),
      ),
    },
  };
}

/**
 * `simple` rows, and `oauth` rows reached as remote servers. A predefined entry's row is only
 * offered under this id while its server is reachable (see reachability.ts); otherwise agents
 * use the catalogue connector backing it.
 */
export async function loadRemoteMcpConnector(
  db: Db,
  accountId: string,
  connectorId: string,
  settings: ConnectorSettings,
): Promise<Connector> {
  const row = await getRemoteMcpConnectorBySlug(db, accountId, connectorId.slice(REMOTE_MCP_PREFIX.length));
  if (!row) throw new ConnectorNotFoundError(connectorId);
  return remoteMcpConnector(row, settings);
}
