import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCredential } from '../../src/db/repositories/credentials.js';
import { credentialSecretContext } from '../../src/credentials/oauthTokens.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { api } from '../support/mcp.js';
import { startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

/**
 * Issue 14, finding 3: secrets slipped past redaction when an upstream echoed them back encoded
 * (a query-string key percent-encoded, a basic password decoded) and remote MCP results were never
 * scrubbed. Each auth type and each place a remote MCP connector keeps a secret gets a canary;
 * the upstream echoes everything it was sent, and no form of any canary may reach the MCP answer,
 * the run's Temporal history or a log line.
 */
const CANARY = {
  headerKey: 'canary-header-key-5e1f0a9b7c3d',
  // Characters that percent-encoding, form encoding and JSON escaping each change.
  queryKey: 'canary query/key+&="ü-2b4d6f8a',
  bearer: 'canary-bearer-9a8b7c6d5e4f',
  basicPassword: 'canary pa:ss/wörd+&"-1f2e3d',
  oauth: 'canary-oauth-access-0c1d2e3f4a5b',
  remoteHeader: 'canary-remote-header-6a7b8c9d',
  remoteVariable: 'canary-remote-variable-3c4d5e6f',
  remoteUrlVariable: 'canary-remote-url-variable-7d8e9f',
};
const BASIC_USER = 'basic-user';

/** Every way a canary could show up in text we read. */
function formsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ k: secret }).toString().slice(2),
    Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    // As a basic-auth password, inside the header's base64.
    Buffer.from(`${BASIC_USER}:${secret}`).toString('base64').replace(/=+$/, ''),
    json,
    JSON.stringify(json).slice(1, -1),
  ];
}
const leaks = (texts: string[], canary: string) =>
  texts.filter((text) => formsOf(canary).some((form) => text.includes(form))).map((text) => text.slice(0, 300));

/** History payloads are base64 `data`: decoded, so a secret inside one shows in the text. */
function historyText(history: unknown): string {
  return JSON.stringify(
    JSON.parse(JSON.stringify(history), (key, value: unknown) =>
      key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
    ),
  );
}

let app: TestApp;
let fake: FakeSaas;
let remote: RemoteMcpServer;
let accessUrl: string;
let serverId: string;
/** Every MCP answer, as received. */
const answers: string[] = [];

const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

async function execute(connectorId: string, actionId: string) {
  const response = await fetch(accessUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'execute_action', arguments: { connectorId, actionId, parameters: {} } },
    }),
  });
  const text = await response.text();
  answers.push(text);
  const message = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? text) as { result: { isError?: boolean; structuredContent: any } };
  return message.result;
}

const echoConnector = (id: string, authMethod: Record<string, unknown>) => ({
  id,
  name: id,
  baseUrl: fake.url,
  authMethods: [authMethod],
  resources: [{ id: 'echo', name: 'Echo' }],
  actions: [
    { id: 'echo', resource: 'echo', title: 'Echo', description: 'Echoes the request', method: 'GET', path: '/echo', idempotent: true, parameters: [], response: {} },
    { id: 'echo_fail', resource: 'echo', title: 'Echo failing', description: 'Fails echoing the request', method: 'GET', path: '/echo/fail', idempotent: true, parameters: [], response: {} },
  ],
});

beforeAll(async () => {
  [app, fake, remote] = await Promise.all([
    startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }),
    startFakeSaas(),
    startRemoteMcpServer('unused-remote-key-000000', { echoTools: true }),
  ]);
  const server = await call('POST', '/api/servers', { name: 'redaction' });
  accessUrl = server.body.accessUrl;
  serverId = server.body.serverId;
});
afterAll(async () => {
  await Promise.all([fake?.close(), remote?.close()]);
  await app?.close();
});

describe('secrets echoed back by a REST upstream', () => {
  const cases = [
    { name: 'api key in a header', canary: CANARY.headerKey, auth: { type: 'apiKey', in: 'header', name: 'X-Api-Key' }, fields: { apiKey: CANARY.headerKey } },
    { name: 'api key in the query string', canary: CANARY.queryKey, auth: { type: 'apiKey', in: 'query', name: 'api_key' }, fields: { apiKey: CANARY.queryKey } },
    { name: 'bearer token', canary: CANARY.bearer, auth: { type: 'bearer' }, fields: { token: CANARY.bearer } },
    { name: 'basic auth', canary: CANARY.basicPassword, auth: { type: 'basic' }, fields: { username: BASIC_USER, password: CANARY.basicPassword } },
  ];

  it.each(cases)('$name: the echo reaches us, the secret does not leave', async ({ canary, auth, fields }) => {
    const id = `echo-${auth.type}-${'in' in auth ? auth.in : 'x'}`.toLowerCase();
    expect((await call('POST', '/api/connectors', echoConnector(id, auth))).status).toBe(201);
    expect((await call('POST', '/api/credentials', { connectorId: id, authenticationType: auth.type, fields })).status).toBe(201);
    await expectEchoScrubbed(id, canary);
  });

  it('OAuth access token', async () => {
    const auth = {
      type: 'oauth2',
      authorizationUrl: 'https://auth.example.com/authorize',
      tokenUrl: 'https://auth.example.com/token',
      scopes: ['read'],
      tokenEndpointAuthMethod: 'client_secret_post',
    };
    expect((await call('POST', '/api/connectors', echoConnector('echo-oauth', auth))).status).toBe(201);
    // The state a completed handshake leaves (the flow itself: test/integration/oauth-credentials.test.ts).
    const accountId = (await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
    const id = 'cred_canary_oauth';
    await insertCredential(app.database.db, {
      id,
      accountId,
      userId: 'default',
      connectorId: 'echo-oauth',
      authType: 'oauth2',
      status: 'active',
      secretsEncrypted: app.secretBox.seal(JSON.stringify({ accessToken: CANARY.oauth, tokenType: 'Bearer' }), credentialSecretContext(id)),
      keyId: app.secretBox.currentKeyId,
      hints: {},
    });
    await expectEchoScrubbed('echo-oauth', CANARY.oauth);
  });

  async function expectEchoScrubbed(connectorId: string, canary: string) {
    fake.requests.length = 0;
    const ok = await execute(connectorId, 'echo');
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent.status).toBe(200);
    const failed = await execute(connectorId, 'echo_fail');
    expect(failed.isError).toBe(true);
    expect(failed.structuredContent.error).toMatchObject({ code: 'UPSTREAM_ERROR', details: { status: 400 } });
    // The upstream did get (and so echoed) the secret: the test is not vacuous.
    expect(leaks([JSON.stringify(fake.requests)], canary)).not.toEqual([]);
    expect(leaks(answers, canary)).toEqual([]);
    expect(JSON.stringify(ok.structuredContent)).toContain('[redacted]');
  }
});

describe('secrets echoed back by a remote MCP server', () => {
  it('header values, {{variables}} in headers and in the URL stay out of results and errors', async () => {
    expect((await call('PUT', '/api/variables/remoteVariable', { value: CANARY.remoteVariable })).status).toBe(200);
    expect((await call('PUT', '/api/variables/remoteUrlVariable', { value: CANARY.remoteUrlVariable })).status).toBe(200);
    const created = await call('POST', '/api/mcp-connectors', {
      name: 'Echo Remote',
      url: `${remote.url}?key={{remoteUrlVariable}}`,
      headers: { 'x-api-key': '{{remoteVariable}}', 'x-static': CANARY.remoteHeader, authorization: `Bearer ${CANARY.remoteHeader}-b` },
    });
    expect(created.status).toBe(201);
    expect((await call('POST', `/api/servers/${serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);

    const ok = await execute('mcp-echo-remote', 'echo_request');
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent.result.headers['x-api-key']).toBe('[redacted]');
    expect(ok.structuredContent.result.url).toContain('key=[redacted]');
    const failed = await execute('mcp-echo-remote', 'echo_request_fail');
    expect(failed.structuredContent.error.code).toBe('UPSTREAM_ERROR');
    expect(failed.structuredContent.error.message).toContain('[redacted]');
    // The server did receive them.
    expect(JSON.stringify(remote.requests)).toContain(CANARY.remoteVariable);
    for (const canary of [CANARY.remoteHeader, CANARY.remoteVariable, CANARY.remoteUrlVariable]) {
      expect(leaks(answers, canary)).toEqual([]);
    }
  });
});

describe('after every call above', () => {
  it('no canary is in any run history or log line', async () => {
    const histories: string[] = [];
    for await (const run of app.temporal.client.workflow.list({ query: `TaskQueue = '${app.temporal.taskQueue}'` })) {
      histories.push(historyText(await app.temporal.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory()));
    }
    // 5 REST auth types and the remote connector, each a success and a failure.
    expect(histories.length).toBeGreaterThanOrEqual(12);
    expect(histories.some((history) => history.includes('[redacted]'))).toBe(true);
    // The worker logged the failed calls, upstream bodies included, scrubbed.
    const failedLines = app.logs.lines.filter((line) => line.includes('ctivity failed'));
    expect(failedLines.length).toBeGreaterThan(0);
    expect(failedLines.some((line) => line.includes('[redacted]'))).toBe(true);
    for (const canary of Object.values(CANARY)) {
      expect(leaks(histories, canary)).toEqual([]);
      expect(leaks(app.logs.lines, canary)).toEqual([]);
    }
  });
});
