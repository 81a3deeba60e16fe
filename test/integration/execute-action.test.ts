import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { putConnectorSettings } from '../../src/connectors/accountConnectors.js';
import { resolveConnector } from '../../src/connectors/registry.js';
import { createKeyCredential } from '../../src/credentials/lifecycle.js';
import { createAccount, createApiKey } from '../../src/db/repositories/accounts.js';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities/index.js';
import { markSending } from '../../src/db/repositories/upstreamSends.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { searchAttributes } from '../../src/workflows/contracts/runs.js';
import { connectMcp, executeAction, type ToolCallError } from '../support/mcp.js';
import { temporalOAuthFlows } from '../../src/starters/oauth.js';

let app: TestApp;
let fake: FakeSaas;
let accountId: string;
const userId = 'default';
/** The account's server and an MCP client on it: execute_action is driven as an agent drives it. */
let serverId: string;
let mcp: Client;
/** Which account the REST calls act as: each has its own API key, through the real auth middleware. */
const keys = new Map<string, string>();
let currentKey = '';
const rest = {
  async as(id: string) {
    if (!keys.has(id)) {
      keys.set(id, (await createApiKey(app.database.db, { accountId: id, userId, name: 'test' })).key);
    }
    currentKey = keys.get(id)!;
  },
};

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const response = await fetch(`${app.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${currentKey}`,
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

function execute(connectorId: string, actionId: string, parameters: Record<string, unknown>, extra: { credentialId?: string } = {}) {
  return executeAction(mcp, { connectorId, actionId, parameters, ...extra });
}

async function failureOf(promise: Promise<unknown>): Promise<ToolCallError> {
  try {
    await promise;
  } catch (error) {
    return error as ToolCallError;
  }
  throw new Error('expected a failure');
}

/** A server of the account whose API key is current, and an MCP client on its access URL. */
async function serverOfCurrentAccount(): Promise<{ serverId: string; client: Client }> {
  const server = await call('POST', '/api/servers', { name: 'execute_action tests' });
  expect(server.status).toBe(201);
  return { serverId: server.body.serverId, client: await connectMcp(server.body.accessUrl) };
}

beforeAll(async () => {
  [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
  accountId = (await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
  const deps = { db: app.database.db, secretBox: app.secretBox };
  for (const connectorId of ['slack', 'github']) {
    await putConnectorSettings(app.database.db, accountId, connectorId, { baseUrl: fake.url });
    await createKeyCredential(deps, { accountId, userId }, await resolveConnector(app.database.db, accountId, connectorId), {
      connectorId,
      authenticationType: 'bearer',
      fields: { token: fake.token },
    });
  }
  await rest.as(accountId);
  ({ serverId, client: mcp } = await serverOfCurrentAccount());
});

afterAll(async () => {
  await mcp?.close();
  await fake?.close();
  await app?.close();
});

beforeEach(async () => {
  fake.reset();
  fake.channelCount = 10;
  await rest.as(accountId);
});

describe('execute_action over MCP', () => {
  it('posts a Slack message with the stored bearer token, and the run carries its search attributes', async () => {
    const result = await execute('slack', 'chat_postMessage', { channel: 'C1', text: 'hello' });
    expect(result.status).toBe(200);
    expect(result.data).toMatchObject({ ok: true, channel: 'C1', message: { text: 'hello' } });
    expect(result.workflowId).toMatch(new RegExp(`^execute-action/${serverId}/[0-9a-f-]{36}$`));
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${fake.token}`);

    const description = await app.temporal.client.workflow.getHandle(result.workflowId).describe();
    const attributes = description.typedSearchAttributes;
    expect(attributes.get(searchAttributes.accountId)).toBe(accountId);
    expect(attributes.get(searchAttributes.serverId)).toBe(serverId);
    expect(attributes.get(searchAttributes.userId)).toBe(userId);
    expect(attributes.get(searchAttributes.connectorId)).toBe('slack');
    expect(attributes.get(searchAttributes.actionId)).toBe('chat_postMessage');
    expect(attributes.get(searchAttributes.runKind)).toBe('action');
    expect(attributes.get(searchAttributes.outcome)).toBe('succeeded');
    // Queued under its account's fairness key (ordered by a cluster with task-queue fairness).
    expect(description.priority).toMatchObject({ fairnessKey: accountId, fairnessWeight: 1 });
    // Nothing secret in the run's history.
    const history = JSON.stringify(await app.temporal.client.workflow.getHandle(result.workflowId).fetchHistory());
    expect(history).not.toContain(fake.token);
  });

  it('refuses missing and mistyped parameters before starting anything', async () => {
    const error = await failureOf(execute('slack', 'chat_postMessage', { text: 5, colour: 'red' }));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details.issues).toEqual(
      expect.arrayContaining([
        { parameter: 'channel', message: 'required parameter is missing' },
        expect.objectContaining({ parameter: 'text' }),
        { parameter: 'colour', message: 'unknown parameter' },
      ]),
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('fails at once on an upstream 400 with its status and body', async () => {
    fake.fail({ path: '/chat.postMessage', status: 400, body: { ok: false, error: 'invalid_blocks' } });
    const error = await failureOf(execute('slack', 'chat_postMessage', { channel: 'C1', text: 'x' }));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.details).toMatchObject({ status: 400, body: expect.stringContaining('invalid_blocks') });
    expect(fake.requests).toHaveLength(1);
  });

  it('waits out a 429 for at least its Retry-After, then succeeds', async () => {
    fake.fail({ path: '/conversations.list', status: 429, headers: { 'retry-after': '2' }, times: 1 });
    const result = await execute('slack', 'conversations_list', {});
    expect(result.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(2000);
  });

  it('retries a 500 on an idempotent action until it succeeds', async () => {
    fake.fail({ path: '/conversations.list', status: 500, times: 2 });
    const result = await execute('slack', 'conversations_list', {});
    expect(result.status).toBe(200);
    expect(fake.requests).toHaveLength(3);
  });

  it('does not resend a non-idempotent POST after a 500: no duplicate issue', async () => {
    fake.fail({ path: '/repos/acme/web/issues', status: 500, times: 1 });
    const error = await failureOf(execute('github', 'issues_create', { owner: 'acme', repo: 'web', title: 'Bug' }));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toMatch(/not idempotent/);
    expect(fake.requests).toHaveLength(1);
  });

  it('URL-encodes path parameters', async () => {
    const result = await execute('github', 'issues_create', { owner: 'acme', repo: 'we b/../x', title: 'Bug' });
    expect(result.status).toBe(201);
    expect(fake.requests[0]!.path).toBe('/repos/acme/we%20b%2F..%2Fx/issues');
  });

  it('passes small lists through, cuts 25–50 items to 25 and turns more than 50 into guidance', async () => {
    fake.channelCount = 10;
    const small = await execute('slack', 'conversations_list', {});
    expect((small.data as { channels: unknown[] }).channels).toHaveLength(10);

    fake.channelCount = 40;
    const medium = (await execute('slack', 'conversations_list', {})).data as any;
    expect(medium.metadata).toEqual({
      originalCount: 40,
      displayedCount: 25,
      truncated: true,
      paginationHint: 'Showing first 25 of 40 items.',
    });
    expect(medium.data.channels).toHaveLength(25);
    expect(medium.data.response_metadata).toBeDefined();

    fake.channelCount = 300;
    const large = (await execute('slack', 'conversations_list', {})).data as any;
    expect(large.needsRefinement).toBe(true);
    expect(large.message).toBe('Found 300 channels. This is too many to display effectively.');
    expect(large.suggestions[0]).toBe('Try: conversations_list with limit parameter (e.g., { limit: 10 })');
    expect(large.searchInstructions).toContain('- limit (query)');
    expect(large.samples).toHaveLength(3);
    expect(Object.keys(large.samples[0])).toEqual(['id', 'name', 'is_private', 'is_archived', 'is_member', 'num_members', 'topic', 'purpose']);
  });

  it('stops reading an oversize body at 5 MiB and says so', async () => {
    fake.fail({ path: '/conversations.list', oversizeBytes: 7 * 1024 * 1024, times: 1 });
    const result = await execute('slack', 'conversations_list', {});
    expect(result.notes?.join(' ')).toMatch(/5 MiB \(UPSTREAM_MAX_RESPONSE_BYTES\)/);
    expect(JSON.stringify(result).length).toBeLessThan(300 * 1024);
  });

  it('refuses loopback hosts not in EGRESS_ALLOW_HOSTS and cloud metadata addresses', async () => {
    const port = new URL(fake.url).port;
    await putConnectorSettings(app.database.db, accountId, 'slack', { baseUrl: `http://127.0.0.2:${port}` });
    try {
      const loopback = await failureOf(execute('slack', 'conversations_list', {}));
      expect(loopback.code).toBe('FORBIDDEN');
      expect(loopback.details).toMatchObject({ address: '127.0.0.2', reason: 'loopback' });

      await putConnectorSettings(app.database.db, accountId, 'slack', { baseUrl: 'http://169.254.169.254' });
      const metadata = await failureOf(execute('slack', 'conversations_list', {}));
      expect(metadata.code).toBe('FORBIDDEN');
      expect(metadata.details).toMatchObject({ reason: 'cloud metadata' });
    } finally {
      await putConnectorSettings(app.database.db, accountId, 'slack', { baseUrl: fake.url });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('reports a missing credential with the connector and its auth types', async () => {
    const other = await createAccount(app.database.db, app.secretBox, { name: 'other' });
    await rest.as(other.id);
    const { client } = await serverOfCurrentAccount();
    const error = await failureOf(executeAction(client, { connectorId: 'slack', actionId: 'conversations_list', parameters: {} }));
    await client.close();
    expect(error.code).toBe('CREDENTIAL_NOT_FOUND');
    expect(error.details).toMatchObject({ connectorId: 'slack', authTypes: ['oauth2', 'bearer'] });
  });
});

describe('a worker that dies mid-call', () => {
  it('never sends a non-idempotent request again when an earlier run of the attempt may have sent it', async () => {
    const { attemptConnectorAction } = createActivities({
      config: app.config,
      db: app.database.db,
      secretBox: app.secretBox,
      logger: app.logger,
      temporal: app.temporal,
      oauthFlows: temporalOAuthFlows({ db: app.database.db, temporal: app.temporal, config: app.config }),
    });
    const info = { workflowExecution: { workflowId: 'execute-action/srv_test/crashed', runId: 'run-1' }, activityId: '1', isLocal: true };
    const action = { accountId, userId, serverId: 'srv_test', connectorId: 'github', actionId: 'issues_create', parameters: { owner: 'octo', repo: 'hello', title: 'once' } };
    const input = { action, attempt: 1, refreshOn401: true, leaseId: 'execute-action/srv_test/crashed/lease-1' };

    // The first worker marked the send and was killed before the answer came: its mark stays.
    await markSending(app.database.db, 'execute-action/srv_test/crashed/run-1/1');
    // A real kill is in test/faults/crash.test.ts; here the re-run of that attempt is simulated.
    const rerun = new MockActivityEnvironment(info);
    expect(await rerun.run(attemptConnectorAction, input)).toMatchObject({
      kind: 'failed',
      error: { code: 'UPSTREAM_ERROR', details: { sent: 'unknown' } },
    });
    expect(fake.issues).toHaveLength(0);

    // An ordinary attempt sends once and leaves no mark behind (cleared in a batch once it returned).
    expect(await new MockActivityEnvironment({ ...info, activityId: '2' }).run(attemptConnectorAction, input)).toMatchObject({ kind: 'succeeded' });
    expect(fake.issues).toHaveLength(1);
    await expect
      .poll(() => app.database.db.selectFrom('upstream_sends').selectAll().where('key', 'like', '%/run-1/2').execute(), { timeout: 10_000 })
      .toEqual([]);
  });
});
