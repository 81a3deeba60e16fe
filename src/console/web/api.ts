/**
 * The console's only way to the API. The key lives in sessionStorage: it survives a reload but
 * not the tab, is never put in a URL, and is sent only as an Authorization header.
 */
const KEY = 'switchboard.apiKey';

export const getApiKey = () => sessionStorage.getItem(KEY);
export const setApiKey = (key: string) => sessionStorage.setItem(KEY, key);
export const clearApiKey = () => sessionStorage.removeItem(KEY);

class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Fired when the API refuses the key, so the app can return to the sign-in form. */
export const SIGNED_OUT_EVENT = 'switchboard:signed-out';

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${getApiKey() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch {
    throw new ApiError('The API could not be reached', 0, 'NETWORK_ERROR');
  }
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: { issues?: Array<{ field: string; message: string }> } } } | undefined)?.error;
    if (response.status === 401) window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    // Validation errors name the fields: show the first few so a long form can be fixed.
    const issues = (error?.details?.issues ?? []).slice(0, 3).map((issue) => `${issue.field}: ${issue.message}`);
    const message = [error?.message ?? `HTTP ${response.status}`, ...issues].join(' · ');
    throw new ApiError(message, response.status, error?.code ?? 'HTTP_ERROR');
  }
  return json as T;
}

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** What the pages read from the API; only the fields they use. */
export interface ConsoleConfig {
  temporalUiUrl: string;
  namespace: string;
  accountId: string;
  userId: string;
}

export interface McpConnector {
  id: string;
  connectorId: string;
  name: string;
  type: 'simple' | 'oauth' | 'stdio';
  url: string | null;
  headers: Record<string, string>;
  oauthMcp: string | null;
  stdio: { command: string; args: string[]; env: Record<string, string>; network: boolean } | null;
  toolCount: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface OAuthEntry {
  id: string;
  name: string;
  connectorId: string;
  url: string;
  connected: boolean;
  needsConnection: boolean;
  hint?: string;
}

export interface TestResult {
  ok: boolean;
  message?: string;
  error?: string;
  toolsets?: Array<{ name: string; count: number; tools: string[] }>;
  needsConnection?: boolean;
  hint?: string;
}

export interface RestrictionList {
  mode: 'allowlist' | 'blocklist';
  ids: string[];
}

export interface Server {
  serverId: string;
  name: string;
  description: string;
  /** connectivity: the meta-tools; tools: each allowed action as a tool (docs/tools-mode.md). */
  mode: 'connectivity' | 'tools';
  isPublic: boolean;
  tokenExpiresInDays: number;
  url: string;
  accessUrl?: string;
  accessTokenExpiresAt?: string;
  restrictions: { connectors?: RestrictionList; actions?: RestrictionList; users?: RestrictionList };
  hasRestrictions: boolean;
  /** On create and update: restriction entries that name no connector of the account. */
  warnings?: string[];
  createdAt: string;
}

/** GET /api/servers/:serverId/tools. */
export interface ServerTools {
  mode: Server['mode'];
  tools: Array<{ name: string; title?: string; description?: string }>;
  listed: number;
  count: number;
}

export interface Assignment {
  kind: 'connector' | 'mcp' | 'oauth';
  connectorId: string;
  name: string;
  mcpConnectorId?: string;
  oauthMcp?: string;
  needsConnection?: boolean;
}

export interface Credential {
  credentialId: string;
  connectorId: string;
  authenticationType: string;
  variant: string | null;
  status: string;
  statusReason: string | null;
  name: string | null;
  hints: Record<string, string>;
  expiresAt: string | null;
  createdAt: string;
}

export interface Run {
  runId: string;
  workflowId: string;
  kind: 'action' | 'plan';
  status: string;
  connectorId?: string;
  actionId?: string;
  serverId?: string;
  userId?: string;
  startedAt: string;
  closedAt?: string;
}

export interface ConnectorListing {
  id: string;
  name: string;
  category: string;
  description: string;
  authTypes: string[];
  actionCount: number;
  resourceCount: number;
  origin: 'catalog' | 'custom' | 'remote-mcp' | 'plugin';
  enabled: boolean;
}

export interface CredentialMetadata {
  connectorId: string;
  requiresCredential: boolean;
  authenticationTypes: Array<{ type: string; variant: string; default: boolean; requiredFields?: Array<{ name: string; description: string }>; scopes?: string[] }>;
  oauthApp?: { configured: boolean; callbackUrl: string };
}

/** What starting (or restarting) OAuth answers: where to send the user, and the credential it is for. */
export interface OAuthStart {
  credentialId: string;
  authorizationUrl: string;
  expiresAt: string;
}

interface ActionParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'body';
  type: string;
  required: boolean;
  description?: string;
  enum?: unknown[];
}

export interface ConnectorAction {
  id: string;
  resource: string;
  title: string;
  description: string;
  method: string;
  path: string;
  parameters: ActionParameter[];
  destructive?: boolean;
}

export interface RateLimit {
  requestsPerSecond: number;
  burst?: number;
}

/** GET /api/connectors/:id: the definition with the account's settings. */
export interface ConnectorDetail {
  id: string;
  name: string;
  category: string;
  description: string;
  baseUrl: string;
  baseUrlVariables?: Array<{ name: string; description: string; default?: string }>;
  authMethods: Array<{ type: string }>;
  resources: Array<{ id: string; name: string }>;
  actions: ConnectorAction[];
  /** In effect: the account's limit when it set one, else the connector's own. */
  rateLimit: RateLimit;
  /** The connector's own, when the account's replaces it. */
  ownRateLimit?: RateLimit;
  origin: 'catalog' | 'custom' | 'remote-mcp' | 'plugin';
  settings: { baseUrl?: string; baseUrlVariables: Record<string, string>; enabled: boolean; rateLimit?: RateLimit };
}

export interface OAuthApp {
  connectorId: string;
  clientId: string;
  clientSecretHint: string;
  scopes: string[];
  redirectUris: string[];
  callbackUrl: string;
  updatedAt: string;
}

/** GET /api/runs/:id: the summary, the input memo (ids, no parameters), a plan's steps, the result or error. */
export interface RunTimelineEntry {
  kind: 'attempt' | 'wait';
  at?: string;
  summary: string;
  outcome?: 'succeeded' | 'throttled' | 'retry' | 'failed';
  status?: number;
  code?: string;
  reason?: string;
  waitMs?: number;
}

export interface RunDetail extends Run {
  input?: Record<string, unknown>;
  timeline?: RunTimelineEntry[];
  steps?: unknown[];
  result?: unknown;
  error?: { code: string; message: string; details?: unknown };
  [field: string]: unknown;
}
