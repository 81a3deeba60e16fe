import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { clientDocument, json, startClientIdDocumentServer, type ClientIdDocumentServer } from '../support/clientIdDocuments.js';
import { api } from '../support/mcp.js';

/**
 * Issue 25, finding 9's hostile side: a Client ID Metadata Document is fetched on an
 * unauthenticated request, so its URL and its answer are the attacker's. Production (no
 * development sign-in, egress as configured): only https client ids, never to an internal
 * address. Development: loopback documents, but still bounded in size and time, no redirects
 * followed, and no document that holds a secret or names another client.
 */
const REDIRECT_URI = 'http://127.0.0.1:9/oauth/callback';
const TIMEOUT_MS = 1_000;

let production: TestApp;
let development: TestApp;
let documents: ClientIdDocumentServer;
let releaseSlow: () => void = () => undefined;

beforeAll(async () => {
  [production, development, documents] = await Promise.all([
    startTestApp({ env: { SIGNIN_DEV_LOGIN: 'false', EGRESS_ALLOW_HOSTS: '', RATE_LIMIT_PER_MINUTE: '10000' } }),
    startTestApp({ env: { SIGNIN_DEV_LOGIN: 'true', RATE_LIMIT_PER_MINUTE: '10000', SIGNIN_CLIENT_METADATA_TIMEOUT_MS: String(TIMEOUT_MS) } }),
    startClientIdDocumentServer({
      '/good.json': json((url) => clientDocument(url, REDIRECT_URI)),
      '/huge.json': (res) => {
        // 5 MB with no Content-Length: the cap must hold while the body streams.
        res.setHeader('content-type', 'application/json');
        const chunk = Buffer.alloc(64 * 1024, ' ');
        let sent = 0;
        const more = () => {
          while (sent < 80) {
            sent += 1;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end('{}');
        };
        more();
      },
      '/slow.json': (res) => {
        releaseSlow = () => res.destroy();
      },
      '/secret.json': json((url) => clientDocument(url, REDIRECT_URI, { token_endpoint_auth_method: 'client_secret_basic', client_secret: 'not-so-secret' })),
      '/impostor.json': json(() => clientDocument('https://claude.ai/oauth/mcp-oauth-client-metadata', REDIRECT_URI)),
      '/moved.json': (res) => {
        res.statusCode = 302;
        res.setHeader('location', '/good.json');
        res.end();
      },
      '/long-name.json': json((url) => clientDocument(url, REDIRECT_URI, { client_name: 'x'.repeat(1000) })),
      '/sector.json': json((url) => clientDocument(url, REDIRECT_URI, { sector_identifier_uri: 'https://127.0.0.1:1/sector' })),
    }),
  ]);
});

afterAll(async () => {
  releaseSlow();
  await documents?.close();
  await Promise.all([production?.close(), development?.close()]);
});

/** The first request that looks a client up: the authorization endpoint, for a real server. */
async function authorize(app: TestApp, clientId: string): Promise<{ status: number; body: { error?: string; error_description?: string } }> {
  const server = (await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: `cimd ${Math.random().toString(36).slice(2, 8)}` })).body as { url: string };
  const url = new URL(`${app.apiUrl}/oauth2/authorize`);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    scope: 'mcp',
    resource: server.url,
  }).toString();
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, body: response.status === 400 ? ((await response.json()) as { error?: string; error_description?: string }) : {} };
}

const refused = (description: string) => ({ status: 400, body: { error: 'invalid_client', error_description: description } });

describe('production: https client ids only, fetched through the egress guard', () => {
  it('refuses plain http client ids without fetching them', async () => {
    expect(await authorize(production, documents.urlOf('/good.json'))).toMatchObject(refused('client_id must be an https: URL'));
    expect(documents.connections).toBe(0);
  });

  it('refuses https client ids on internal addresses without connecting to them', async () => {
    const port = new URL(documents.origin).port;
    for (const clientId of [`https://127.0.0.1:${port}/good.json`, `https://localhost:${port}/good.json`, 'https://10.0.0.1/client.json', 'https://169.254.169.254/latest/meta-data/iam']) {
      expect(await authorize(production, clientId)).toMatchObject(refused('client_id metadata document could not be fetched'));
    }
    expect(documents.connections).toBe(0);
    // Why, for the operator: the egress guard's refusal of each address.
    for (const reason of ['loopback', 'private', 'cloud metadata']) expect(production.logs.text()).toContain(`${reason} addresses are not reachable`);
  });

  it('refuses client ids the draft rules out', async () => {
    expect(await authorize(production, 'https://client.example/')).toMatchObject(refused('client_id must have a path'));
    expect(await authorize(production, 'https://user:pass@client.example/client.json')).toMatchObject(refused('client_id must not carry a user or password'));
    expect(await authorize(production, 'https://client.example/a/../client.json')).toMatchObject(refused('client_id must not have . or .. segments'));
  });
});

describe('development: loopback documents, still bounded', () => {
  it('stops reading a 5 MB document at 5 KiB', async () => {
    expect(await authorize(development, documents.urlOf('/huge.json'))).toMatchObject(refused('client_id metadata document is larger than 5120 bytes'));
    expect(documents.requests.find((request) => request.path === '/huge.json')).toMatchObject({ finished: false });
  });

  it(`gives up on a document that does not come within SIGNIN_CLIENT_METADATA_TIMEOUT_MS`, async () => {
    expect(await authorize(development, documents.urlOf('/slow.json'))).toMatchObject(refused('client_id metadata document could not be fetched'));
    expect(development.logs.text()).toContain('client id metadata document could not be fetched');
  });

  it('follows no redirect, and takes no document that holds a secret, names another client or is too large', async () => {
    expect(await authorize(development, documents.urlOf('/moved.json'))).toMatchObject(refused('client_id metadata document answered HTTP 302'));
    expect(documents.requests.filter((request) => request.path === '/good.json')).toEqual([]);
    expect(await authorize(development, documents.urlOf('/secret.json'))).toMatchObject(
      refused('client_id metadata document token_endpoint_auth_method must be "none": a public document can hold no secret'),
    );
    expect(await authorize(development, documents.urlOf('/impostor.json'))).toMatchObject(refused('client_id metadata document names another client_id than its own URL'));
    expect(await authorize(development, documents.urlOf('/long-name.json'))).toMatchObject(refused('client_id metadata document client_name must be at most 200 characters'));
  });

  it('refuses a sector_identifier_uri in a document, as in a registration', async () => {
    const answer = await authorize(development, documents.urlOf('/sector.json'));
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_client_metadata' } });
  });

  it('signs in with a good one', async () => {
    const answer = await authorize(development, documents.urlOf('/good.json'));
    expect(answer.status).toBe(303);
  });
});
