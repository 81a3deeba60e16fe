import { refreshAuthorization, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { clientDocument, json, startClientIdDocumentServer, type ClientIdDocumentServer } from '../support/clientIdDocuments.js';
import { api } from '../support/mcp.js';
import { MemoryOAuthClient, signInAs } from '../support/signinClient.js';

/**
 * Sign-in by Client ID Metadata Document, as the 2026-07-28 MCP authorization spec prefers: the
 * client's id is the URL of a JSON document describing it, which Switchboard fetches instead of
 * having the client register. Driven by the official SDK client; its own `clientMetadataUrl` only
 * takes https URLs, so the client here starts with that URL as its client information, which is
 * what the SDK does itself once it has chosen a metadata document. The document is served over
 * plain http on 127.0.0.1, which Switchboard takes with the development sign-in on.
 */
let app: TestApp;
let documents: ClientIdDocumentServer;
let server: { serverId: string; url: string };

class DocumentClient extends MemoryOAuthClient {
  constructor(clientId: string) {
    super();
    this.info = { client_id: clientId };
  }
}

beforeAll(async () => {
  const redirectUri = new MemoryOAuthClient().redirectUrl;
  [app, documents] = await Promise.all([
    startTestApp({ env: { SIGNIN_DEV_LOGIN: 'true', RATE_LIMIT_PER_MINUTE: '10000' } }),
    startClientIdDocumentServer({ '/oauth/client.json': json((url) => clientDocument(url, redirectUri, { client_name: 'Document Client' })) }),
  ]);
  server = (await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'CIMD server' })).body;
});

afterAll(async () => {
  await documents?.close();
  await app?.close();
});

describe('sign-in by Client ID Metadata Document', () => {
  it('says so in the authorization server metadata', async () => {
    const metadata = (await (await fetch(`${app.apiUrl}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ client_id_metadata_document_supported: true, token_endpoint_auth_methods_supported: expect.arrayContaining(['none']) });
  });

  it('signs the SDK client in with its document URL as client id, and it calls a tool; the document is fetched once', async () => {
    const clientId = documents.urlOf('/oauth/client.json');
    const oauth = new DocumentClient(clientId);
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth });
    await expect(new Client({ name: 'cimd', version: '1.0.0' }).connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(oauth.authorizationUrl!.searchParams.get('client_id')).toBe(clientId);

    const { consentPage, redirect } = await signInAs(oauth.authorizationUrl!, 'carol');
    expect(consentPage).toContain('<strong>Document Client</strong> (published by 127.0.0.1:');
    await transport.finishAuth(redirect.searchParams.get('code')!);
    expect(oauth.saved?.refresh_token).toBeDefined();

    const client = new Client({ name: 'cimd', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth }));
    const listed = await client.callTool({ name: 'list_connectors', arguments: {} });
    expect(listed.isError).toBeFalsy();
    await client.close();

    // Authorize, the sign-in page, the login and the token request each looked the client up.
    expect(documents.requests.map((request) => request.path)).toEqual(['/oauth/client.json']);
    // Nothing was registered for it.
    expect(await app.database.db.selectFrom('signin_store').select('id_hash').where('model', '=', 'Client').execute()).toEqual([]);
    const audit = (await api(app.apiUrl, app.apiKey, 'GET', '/api/audit?actor=carol&action=sign-in')).body.entries;
    expect(audit).toMatchObject([{ status: 200, target: { serverId: server.serverId, clientId } }]);

    const metadata = (await (await fetch(`${app.apiUrl}/.well-known/oauth-authorization-server`)).json()) as AuthorizationServerMetadata;
    const refreshed = await refreshAuthorization(app.apiUrl, { metadata, clientInformation: oauth.info!, refreshToken: oauth.saved!.refresh_token!, resource: new URL(server.url) });
    expect(refreshed.access_token).not.toBe(oauth.saved!.access_token);
  });
});
