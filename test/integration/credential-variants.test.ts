/**
 * Auth variants end to end: a connector offering its key in a header or in the query (Adafruit's
 * case), a credential made over REST for a chosen variant, and execute_action over MCP sending the
 * key where that variant says, through Temporal and the attempt activity to a real upstream on
 * 127.0.0.1.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { putConnectorSettings } from '../../src/connectors/accountConnectors.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { api, connectMcp, executeAction } from '../support/mcp.js';

let app: TestApp;
let fake: FakeSaas;
let mcp: Client;
const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

const connector = () => ({
  id: 'keyed-echo',
  name: 'Keyed echo',
  baseUrl: fake.url,
  authMethods: [
    { type: 'apiKey', id: 'header', in: 'header', name: 'X-Key' },
    { type: 'apiKey', id: 'query', in: 'query', name: 'key' },
    { type: 'bearer' },
  ],
  resources: [{ id: 'echo', name: 'Echo' }],
  actions: [
    { id: 'echo', resource: 'echo', title: 'Echo', description: 'Echoes the request', method: 'GET', path: '/echo', parameters: [], response: {} },
    // An operation whose own security requirement takes the query key only.
    { id: 'echo_query_only', resource: 'echo', title: 'Echo (query key)', description: 'Echoes the request', method: 'GET', path: '/echo', parameters: [], response: {}, auth: ['query'] },
  ],
});

beforeAll(async () => {
  [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
  expect((await call('POST', '/api/connectors', connector())).status).toBe(201);
  const server = await call('POST', '/api/servers', { name: 'variants' });
  mcp = await connectMcp(server.body.accessUrl);
});
afterAll(async () => {
  await mcp?.close();
  await fake?.close();
  await app?.close();
});
beforeEach(() => fake.reset());

const lastRequest = () => fake.requests.at(-1)!;

describe('auth variants', () => {
  it('metadata names each variant with its id and which one is its type\'s default', async () => {
    const metadata = await call('GET', '/api/credentials/metadata?connectorId=keyed-echo');
    expect(metadata.status).toBe(200);
    expect(metadata.body.authenticationTypes).toEqual([
      { type: 'apiKey', variant: 'header', default: true, requiredFields: [{ name: 'apiKey', description: 'API key, sent in the header "X-Key"' }] },
      { type: 'apiKey', variant: 'query', default: false, requiredFields: [{ name: 'apiKey', description: 'API key, sent in the query parameter "key"' }] },
      { type: 'bearer', variant: 'bearer', default: true, requiredFields: [{ name: 'token', description: 'Access token, sent as "Authorization: Bearer <token>"' }] },
    ]);
  });

  it('refuses a variant the connector lacks, or one of another type, naming the variants there are', async () => {
    const unknown = await call('POST', '/api/credentials', { connectorId: 'keyed-echo', authenticationType: 'apiKey', variant: 'cookie', fields: { apiKey: 'k' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'INVALID_REQUEST', details: { variant: 'cookie', variants: ['header', 'query'] } });
    const otherType = await call('POST', '/api/credentials', { connectorId: 'keyed-echo', authenticationType: 'bearer', variant: 'query', fields: { token: 't' } });
    expect(otherType.status).toBe(400);
    expect(otherType.body.error.details).toMatchObject({ variants: ['bearer'] });
    expect((await call('GET', '/api/credentials?connectorId=keyed-echo')).body.count).toBe(0);
  });

  it('stores the chosen variant and sends the key where it says; the default is the type\'s first', async () => {
    const query = await call('POST', '/api/credentials', { connectorId: 'keyed-echo', authenticationType: 'apiKey', variant: 'query', fields: { apiKey: 'query-secret' } });
    expect(query.status).toBe(201);
    expect(query.body).toMatchObject({ authenticationType: 'apiKey', variant: 'query' });
    await executeAction(mcp, { connectorId: 'keyed-echo', actionId: 'echo', parameters: {}, credentialId: query.body.credentialId });
    expect(lastRequest().query).toEqual({ key: 'query-secret' });
    expect(lastRequest().headers['x-key']).toBeUndefined();

    const header = await call('POST', '/api/credentials', { connectorId: 'keyed-echo', authenticationType: 'apiKey', fields: { apiKey: 'header-secret' } });
    expect(header.body).toMatchObject({ variant: 'header' });
    // No credential named: the newest (the header one).
    await executeAction(mcp, { connectorId: 'keyed-echo', actionId: 'echo', parameters: {} });
    expect(lastRequest().headers['x-key']).toBe('header-secret');
    expect(lastRequest().query).toEqual({});

    // An operation that takes the query key only passes over the newer header credential.
    await executeAction(mcp, { connectorId: 'keyed-echo', actionId: 'echo_query_only', parameters: {} });
    expect(lastRequest().query).toEqual({ key: 'query-secret' });
    expect(lastRequest().headers['x-key']).toBeUndefined();

    const listed = await call('GET', '/api/credentials?connectorId=keyed-echo');
    expect(listed.body.credentials.map((credential: { variant: string }) => credential.variant).sort()).toEqual(['header', 'query']);
  });

  it('on a catalogue connector, whose front door picks the newest credential, an operation still gets one of a variant it takes', async () => {
    // api2pdf: its key as a bearer header (HeaderApiKey) or in the query (QueryApiKey); its POSTs take the header only.
    const accountId = (await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
    await putConnectorSettings(app.database.db, accountId, 'api2pdf', { baseUrl: fake.url });
    const header = await call('POST', '/api/credentials', { connectorId: 'api2pdf', authenticationType: 'bearer', variant: 'HeaderApiKey', fields: { token: fake.token } });
    const query = await call('POST', '/api/credentials', { connectorId: 'api2pdf', authenticationType: 'apiKey', variant: 'QueryApiKey', fields: { apiKey: 'api2pdf-query-key' } });
    expect([header.status, query.status]).toEqual([201, 201]);
    // The fake answers these paths 404; what matters is the request it received.
    const sent = async (actionId: string, parameters: Record<string, unknown>) => {
      await executeAction(mcp, { connectorId: 'api2pdf', actionId, parameters }).catch(() => undefined);
      return lastRequest();
    };
    const get = await sent('chromeFromUrlGET', { url: 'https://example.com' });
    expect(get).toMatchObject({ path: '/chrome/url', query: { url: 'https://example.com', apikey: 'api2pdf-query-key' } });
    expect(get.headers.authorization).toBeUndefined();
    const post = await sent('chromeFromUrlPost', { url: 'https://example.com' });
    expect(post).toMatchObject({ method: 'POST', path: '/chrome/url', query: {} });
    expect(post.headers.authorization).toBe(`Bearer ${fake.token}`);
  });
});
