import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type Provider from 'oidc-provider';
import type { AdapterFactory, AdapterPayload, Configuration } from 'oidc-provider';
import { z } from 'zod';
import { interactionRoutes } from './oauth/interactions.js';
import { MemoryStore } from './oauth/memoryStore.js';
import { strictProviderConfiguration } from './oauth/strictProvider.js';
import { runAuthorization, type AuthorizeOptions } from './oauth/testBrowser.js';

/**
 * A real remote MCP server (SDK McpServer, stateless Streamable HTTP) behind OAuth as the MCP
 * authorization spec (2025-11-25) describes it, and the oidc-provider authorization server that
 * issues its tokens, both on 127.0.0.1:
 *
 * - the MCP server answers a request without a valid token 401 with
 *   `WWW-Authenticate: Bearer resource_metadata="…"` and serves that protected resource metadata
 *   (RFC 9728) naming the authorization server;
 * - the authorization server binds tokens to the MCP server with resource indicators (RFC 8707),
 *   and offers Dynamic Client Registration (RFC 7591) or Client ID Metadata Documents, as asked.
 *
 * CIMD is implemented here through the adapter (the Client model's find fetches the document)
 * rather than oidc-provider's own `features.clientIdMetadataDocument`: that one only accepts https
 * client ids, fetched through a dispatcher that refuses loopback addresses, and Switchboard under
 * test serves its document over plain http on 127.0.0.1.
 */
export interface ProtectedMcpServer {
  /** The MCP endpoint: http://127.0.0.1:<port>/mcp, also the protected resource identifier. */
  url: string;
  issuer: string;
  provider: Provider;
  /** Access tokens the MCP server accepted, in order. */
  acceptedTokens: string[];
  /** Token endpoint requests by grant type, and every `resource` they named. */
  tokenRequests: Array<{ grantType: string; resource: string | null }>;
  /** Authorization requests' client_id and resource. */
  authorizationRequests: Array<{ clientId: string | null; resource: string | null }>;
  /** Clients registered through DCR, and documents fetched for CIMD. */
  registeredClients: AdapterPayload[];
  fetchedClientMetadata: string[];
  /** Drives login and consent for an authorization URL; returns the redirect to the client, unfollowed. */
  authorize(authorizationUrl: string, options?: AuthorizeOptions): Promise<string>;
  setAccessTokenTtl(seconds: number): void;
  /** Drops the account's grants and all their tokens, like a user revoking the app at the provider. */
  revokeAllFor(accountId: string): Promise<number>;
  close(): Promise<void>;
}

export const MCP_SCOPE = 'mcp:tools';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const closing = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** The Client model looks a URL client_id up by fetching its metadata document (CIMD draft, minimally). */
function clientsFromMetadataDocuments(store: MemoryStore, fetched: string[]): AdapterFactory {
  return (model) => {
    const adapter = store.adapterFactory(model);
    if (model !== 'Client') return adapter;
    return Object.assign(Object.create(adapter) as typeof adapter, {
      async find(id: string) {
        if (!/^https?:\/\//.test(id)) return adapter.find(id);
        const response = await fetch(id, { redirect: 'manual', signal: AbortSignal.timeout(2500) });
        if (response.status !== 200) return undefined;
        const document = (await response.json()) as AdapterPayload & { client_id?: string };
        if (document.client_id !== id || 'client_secret' in document) return undefined;
        fetched.push(id);
        return document;
      },
    });
  };
}

function mcpServerFor(user: string): McpServer {
  const server = new McpServer({ name: 'protected-test', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Who the token belongs to', inputSchema: {}, annotations: { readOnlyHint: true } }, async () => ({
    content: [{ type: 'text', text: `you are ${user}` }],
    structuredContent: { user },
  }));
  server.registerTool(
    'echo',
    { description: 'Echoes the text back', inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } },
    async ({ text }) => ({ content: [{ type: 'text', text: `${user}: ${text}` }] }),
  );
  server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
    content: [{ type: 'text', text: String(a + b) }],
    structuredContent: { sum: a + b },
  }));
  return server;
}

export async function startProtectedMcpServer(options: { registration: 'cimd' | 'dcr'; accessTokenTtlSeconds?: number }): Promise<ProtectedMcpServer> {
  const asHttp = createServer();
  const mcpHttp = createServer();
  const [asPort, mcpPort] = await Promise.all([listen(asHttp), listen(mcpHttp)]);
  const issuer = `http://127.0.0.1:${asPort}`;
  const url = `http://127.0.0.1:${mcpPort}/mcp`;
  const resourceMetadataUrl = `http://127.0.0.1:${mcpPort}/.well-known/oauth-protected-resource/mcp`;
  let accessTokenTtl = options.accessTokenTtlSeconds ?? 3600;
  const store = new MemoryStore();
  const fetchedClientMetadata: string[] = [];
  const registeredClients: AdapterPayload[] = [];

  const configuration: Configuration = {
    adapter: clientsFromMetadataDocuments(store, fetchedClientMetadata),
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    scopes: ['openid', 'offline_access'],
    ...strictProviderConfiguration,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      registration: { enabled: options.registration === 'dcr' },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => url,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== url) throw new Error(`unknown resource ${resourceIndicator}`);
          return { scope: MCP_SCOPE, audience: url, accessTokenFormat: 'opaque', accessTokenTTL: accessTokenTtl };
        },
      },
    },
    // Advertised as oidc-provider's own CIMD support would; the document is fetched by the adapter above.
    ...(options.registration === 'cimd' ? { discovery: { client_id_metadata_document_supported: true } } : {}),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { AccessToken: () => accessTokenTtl, RefreshToken: 14 * 24 * 3600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 14 * 24 * 3600 },
    renderError: (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  };
  const { default: ProviderClass } = await import('oidc-provider');
  const provider = new ProviderClass(issuer, configuration);
  const tokenRequests: ProtectedMcpServer['tokenRequests'] = [];
  const authorizationRequests: ProtectedMcpServer['authorizationRequests'] = [];
  provider.use(async (ctx, next) => {
    if (ctx.path === new URL(provider.urlFor('authorization')).pathname) {
      authorizationRequests.push({ clientId: ctx.query.client_id as string ?? null, resource: (ctx.query.resource as string) ?? null });
    }
    await next();
    const params = (ctx as unknown as { oidc?: { params?: Record<string, string | undefined> } }).oidc?.params;
    if (ctx.path === new URL(provider.urlFor('token')).pathname && params) {
      tokenRequests.push({ grantType: params.grant_type ?? '', resource: params.resource ?? null });
    }
    if (options.registration === 'dcr' && ctx.path === new URL(provider.urlFor('registration')).pathname && ctx.status === 201) {
      registeredClients.push(ctx.body as AdapterPayload);
    }
  });
  provider.use(interactionRoutes(provider));
  asHttp.on('request', provider.callback());

  const acceptedTokens: string[] = [];
  const userOf = async (authorization: string | undefined): Promise<string | undefined> => {
    const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    const accessToken = await provider.AccessToken.find(token);
    if (!accessToken || accessToken.isExpired || accessToken.aud !== url || !(await provider.Grant.find(accessToken.grantId!))) return undefined;
    acceptedTokens.push(token);
    return accessToken.accountId;
  };
  mcpHttp.on('request', (req, res) => {
    void (async () => {
      if (req.url === '/.well-known/oauth-protected-resource/mcp') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ resource: url, authorization_servers: [issuer], scopes_supported: [MCP_SCOPE], bearer_methods_supported: ['header'] }));
        return;
      }
      const user = await userOf(req.headers.authorization);
      if (!user) {
        res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${resourceMetadataUrl}", scope="${MCP_SCOPE}"` }).end();
        return;
      }
      const server = mcpServerFor(user);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void server.close());
      await server.connect(transport);
      await transport.handleRequest(req, res, req.method === 'POST' ? await readJson(req) : undefined);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  return {
    url,
    issuer,
    provider,
    acceptedTokens,
    tokenRequests,
    authorizationRequests,
    registeredClients,
    fetchedClientMetadata,
    authorize: (authorizationUrl, authorizeOptions) => runAuthorization(issuer, authorizationUrl, authorizeOptions),
    setAccessTokenTtl(seconds) {
      accessTokenTtl = seconds;
    },
    async revokeAllFor(accountId) {
      const grants = store.list('Grant').filter((grant) => grant.payload.accountId === accountId);
      for (const grant of grants) {
        for (const model of ['AccessToken', 'RefreshToken', 'AuthorizationCode'] as const) await provider[model].adapter.revokeByGrantId(grant.id);
        store.delete('Grant', grant.id);
      }
      return grants.length;
    },
    async close() {
      await Promise.all([closing(asHttp), closing(mcpHttp)]);
      store.clear();
    },
  };
}
