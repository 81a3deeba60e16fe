import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey, createAccount } from '../../src/db/repositories/accounts.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { connectToFakeSaas } from '../support/fixtures.js';
import { api, connectMcp, toolError } from '../support/mcp.js';
import { searchAttributes } from '../../src/workflows/contracts/runs.js';

describe('execute_plan and /api/runs', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let client: Client;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    api(app.apiUrl, app.apiKey, method, path, body, headers);
  const postRun = (body: unknown, headers?: Record<string, string>) => call('POST', '/api/runs', body, headers);

  async function waitForStatus(runId: string, done: (status: string) => boolean) {
    for (let i = 0; i < 100; i++) {
      const run = await call('GET', `/api/runs/${runId}`);
      if (done(run.body.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${runId} did not finish`);
  }

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
    await connectToFakeSaas(app, fake, ['slack']);
    client = await connectMcp((await call('POST', '/api/servers', { name: 'plans' })).body.accessUrl);
  });
  afterAll(async () => {
    await client?.close();
    await fake?.close();
    await app?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.channelCount = 300;
  });

  it('plans and runs "send a message to #channel-250" with the channel id flowing from step 1 to step 2', async () => {
    const planned = await client.callTool({
      name: 'discover_action_path',
      arguments: { connectorId: 'slack', goal: 'send a message to #channel-250 saying "hello"' },
    });
    const { plan, missingInputs } = planned.structuredContent as any;
    const inputs = Object.fromEntries((missingInputs as Array<{ key: string }>).map(({ key }) => [key, 'hello']));

    const result = await client.callTool({ name: 'execute_plan', arguments: { plan, inputs } });
    expect(result.isError).toBeFalsy();
    const outcome = result.structuredContent as any;
    expect(outcome).toMatchObject({
      status: 'succeeded',
      workflowId: expect.stringMatching(/^execute-plan\//),
      steps: [
        { step: 1, actionId: 'conversations_list', status: 'succeeded' },
        { step: 2, actionId: 'chat_postMessage', status: 'succeeded', result: { ok: true, channel: 'C000250' } },
      ],
    });
    // 300 channels: the step shows the agent guidance, but the reference read the raw list.
    expect(outcome.steps[0].result).toMatchObject({ needsRefinement: true });
    const posted = fake.requests.find((request) => request.path === '/chat.postMessage')!;
    expect(JSON.parse(posted.body)).toMatchObject({ channel: 'C000250' });

    const description = await app.temporal.client.workflow.getHandle(outcome.workflowId).describe();
    expect(description.typedSearchAttributes.get(searchAttributes.runKind)).toBe('plan');
    expect(description.typedSearchAttributes.get(searchAttributes.outcome)).toBe('succeeded');
    expect(description.memo).toMatchObject({ connectorId: 'slack', inputs });
    expect(description.priority).toMatchObject({ fairnessKey: description.typedSearchAttributes.get(searchAttributes.accountId) });
  });

  it('refuses a plan with an unanswered $ask before starting, and stops at a failing step with what was done', async () => {
    const plan = {
      connectorId: 'slack',
      steps: [
        { actionId: 'conversations_list', parameters: { limit: 5 } },
        { actionId: 'chat_postMessage', parameters: { channel: { $ref: { fromStep: 1, itemsPath: 'channels', select: 'id' } }, text: { $ask: { ask: 'What to say?' } } } },
      ],
    };
    const missing = await client.callTool({ name: 'execute_plan', arguments: { plan } });
    expect(toolError(missing)).toMatchObject({ code: 'INVALID_REQUEST', details: { issues: [{ input: '2.text' }] } });
    expect(fake.requests).toHaveLength(0);

    fake.fail({ path: '/chat.postMessage', status: 400, body: { ok: false, error: 'invalid_blocks' } });
    const failed = await client.callTool({ name: 'execute_plan', arguments: { plan, inputs: { '2.text': 'x' } } });
    expect(failed.isError).toBe(true);
    expect(toolError(failed)).toMatchObject({
      code: 'UPSTREAM_ERROR',
      details: {
        status: 'failed',
        failedStep: 2,
        steps: [{ status: 'succeeded' }, { status: 'failed', error: { code: 'UPSTREAM_ERROR' } }],
        workflowId: expect.stringMatching(/^execute-plan\//),
      },
    });
  });

  it('starts a run at once, and the same Idempotency-Key returns the same run', async () => {
    const body = { kind: 'action', connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'once' } };
    const first = await postRun(body, { 'idempotency-key': 'order-42' });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ runId: expect.stringMatching(/^run_/), workflowId: expect.stringMatching(/^execute-action\/api\/idem-/) });
    const again = await postRun(body, { 'idempotency-key': 'order-42' });
    expect(again.body.runId).toBe(first.body.runId);

    const run = await waitForStatus(first.body.runId, (status) => status !== 'running');
    expect(run.body).toMatchObject({ kind: 'action', status: 'succeeded', connectorId: 'slack', result: { status: 200, data: { ok: true } } });
    // After it finished, a retry still finds it instead of sending the message again.
    expect((await postRun(body, { 'idempotency-key': 'order-42' })).body.runId).toBe(first.body.runId);
    expect(fake.requests.filter((request) => request.path === '/chat.postMessage')).toHaveLength(1);
    expect((await postRun({ ...body, parameters: { channel: 'C2', text: 'other' } }, { 'idempotency-key': 'order-42' })).status).toBe(409);
  });

  it('reads a plan run with its steps, lists runs with filters, cancels, and hides runs from other accounts', async () => {
    const plan = { connectorId: 'slack', steps: [{ actionId: 'conversations_list', parameters: { limit: 5 } }] };
    const started = await postRun({ kind: 'plan', plan });
    expect(started.status).toBe(202);
    const run = await waitForStatus(started.body.runId, (status) => status !== 'running');
    expect(run.body).toMatchObject({ kind: 'plan', status: 'succeeded', steps: [{ actionId: 'conversations_list', status: 'succeeded' }] });

    // A slow upstream keeps this one running until it is cancelled.
    fake.fail({ path: '/chat.postMessage', delayMs: 5000, status: 200, body: { ok: true } });
    const slow = await postRun({ kind: 'action', connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'slow' } });
    expect((await call('POST', `/api/runs/${slow.body.runId}/cancel`)).status).toBe(202);
    expect((await waitForStatus(slow.body.runId, (status) => status !== 'running')).body.status).toBe('cancelled');

    let listed: any;
    for (let i = 0; i < 50; i++) {
      listed = await call('GET', '/api/runs?connectorId=slack&kind=plan&pageSize=100');
      if (listed.body.runs.some((item: any) => item.runId === started.body.runId)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(listed.status).toBe(200);
    expect(listed.body.runs.every((item: any) => item.kind === 'plan' && item.connectorId === 'slack')).toBe(true);
    expect(listed.body.runs.map((item: any) => item.runId)).toContain(started.body.runId);
    const cancelled = await call('GET', '/api/runs?status=cancelled');
    expect(cancelled.body.runs.every((item: any) => item.status === 'cancelled')).toBe(true);
    const page = await call('GET', '/api/runs?pageSize=1');
    expect(page.body.runs).toHaveLength(1);
    expect(page.body.nextPageToken).toEqual(expect.any(String));
    const next = await call('GET', `/api/runs?pageSize=1&pageToken=${page.body.nextPageToken}`);
    expect(next.body.runs[0].runId).not.toBe(page.body.runs[0].runId);

    const other = await createAccount(app.database.db, app.secretBox, { name: 'other' });
    const otherKey = (await createApiKey(app.database.db, { accountId: other.id, userId: 'default', name: 'k' })).key;
    const asOther = (method: string, path: string) => api(app.apiUrl, otherKey, method, path);
    expect((await asOther('GET', `/api/runs/${started.body.runId}`)).status).toBe(404);
    expect((await asOther('POST', `/api/runs/${started.body.runId}/cancel`)).status).toBe(404);
    expect((await asOther('GET', '/api/runs')).body.runs).toEqual([]);
    expect((await call('GET', '/api/runs/run_bm9wZQ')).status).toBe(404);
  });
  it('refuses a plan whose step has a bad literal parameter before any step runs, over MCP and /api/runs alike, naming the step', async () => {
    const plan = {
      connectorId: 'slack',
      steps: [
        { actionId: 'conversations_list', parameters: { limit: 5 } },
        { actionId: 'chat_postMessage', parameters: { channel: { $ref: { fromStep: 1, itemsPath: 'channels', select: 'id' } }, text: 42, chanel: 'C1' } },
      ],
    };
    const expected = {
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('step 2 (chat_postMessage)'),
      details: {
        issues: expect.arrayContaining([
          expect.objectContaining({ step: 2, actionId: 'chat_postMessage', parameter: 'text' }),
          expect.objectContaining({ step: 2, actionId: 'chat_postMessage', parameter: 'chanel', message: 'unknown parameter' }),
        ]),
      },
    };
    expect(toolError(await client.callTool({ name: 'execute_plan', arguments: { plan } }))).toMatchObject(expected);
    const refused = await postRun({ kind: 'plan', plan });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject(expected);
    // The referenced channel is only known when the step runs: its name was checked, its value is not refused early.
    expect(JSON.stringify(refused.body.error.details.issues)).not.toContain('"channel"');
    expect(fake.requests).toHaveLength(0);
  });

  it("checks a step's resolved parameters in the activity, before it sends", async () => {
    // is_private resolves to a boolean, and chat_postMessage's channel is a string.
    const plan = {
      connectorId: 'slack',
      steps: [
        { actionId: 'conversations_list', parameters: { limit: 5 } },
        { actionId: 'chat_postMessage', parameters: { channel: { $ref: { fromStep: 1, itemsPath: 'channels', select: 'is_private' } }, text: 'hi' } },
      ],
    };
    const failed = toolError(await client.callTool({ name: 'execute_plan', arguments: { plan } }));
    expect(failed).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/^Step 2 \(chat_postMessage\) failed: .*channel/),
      details: { failedStep: 2, steps: [{ status: 'succeeded' }, { status: 'failed', error: { code: 'INVALID_REQUEST' } }] },
    });
    expect(fake.requests.map((request) => request.path)).toEqual(['/conversations.list']);
  });
});

describe('one policy at every door: MCP and POST /api/runs with a serverId refuse the same calls with the same code', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let client: Client;
  let serverId: string;
  let accessUrl: string;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    api(app.apiUrl, app.apiKey, method, path, body, headers);

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
    await connectToFakeSaas(app, fake, ['slack', 'github']);
    const server = await call('POST', '/api/servers', {
      name: 'guarded',
      isPublic: true,
      restrictions: { users: { mode: 'blocklist', ids: ['mallory'] }, actions: { mode: 'blocklist', ids: ['slack:chat_postMessage'] } },
    });
    ({ serverId, accessUrl } = server.body);
    // With assignments the server offers only what is assigned: slack and hubspot, not github.
    for (const connectorId of ['slack', 'hubspot']) expect((await call('POST', `/api/servers/${serverId}/connectors`, { connectorId })).status).toBe(200);
    client = await connectMcp(accessUrl);
  });
  afterAll(async () => {
    await client?.close();
    await fake?.close();
    await app?.close();
  });

  /** The code each door answers with: the MCP tool's error result, and /api/runs' HTTP error. */
  async function bothDoors(action: { connectorId: string; actionId: string; parameters: Record<string, unknown> }) {
    const plan = { connectorId: action.connectorId, steps: [{ actionId: action.actionId, parameters: action.parameters }] };
    const [mcpAction, mcpPlan, restAction, restPlan] = await Promise.all([
      client.callTool({ name: 'execute_action', arguments: action }),
      client.callTool({ name: 'execute_plan', arguments: { plan } }),
      call('POST', '/api/runs', { kind: 'action', serverId, ...action }),
      call('POST', '/api/runs', { kind: 'plan', serverId, plan }),
    ]);
    return {
      mcp: [toolError(mcpAction)?.code, toolError(mcpPlan)?.code],
      rest: [restAction.body.error?.code, restPlan.body.error?.code],
      statuses: [restAction.status, restPlan.status],
    };
  }

  it('an unassigned connector', async () => {
    const answers = await bothDoors({ connectorId: 'github', actionId: 'issues_create', parameters: { owner: 'o', repo: 'r', title: 't' } });
    expect(answers).toEqual({ mcp: ['FORBIDDEN', 'FORBIDDEN'], rest: ['FORBIDDEN', 'FORBIDDEN'], statuses: [403, 403] });
    // Without a server the run is the account's own ("api"): no server's assignments apply.
    expect((await call('POST', '/api/runs', { kind: 'action', connectorId: 'github', actionId: 'issues_list_for_repo', parameters: { owner: 'o', repo: 'r' } })).status).toBe(202);
  });

  it('a restricted action', async () => {
    const answers = await bothDoors({ connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'hi' } });
    expect(answers).toEqual({ mcp: ['FORBIDDEN', 'FORBIDDEN'], rest: ['FORBIDDEN', 'FORBIDDEN'], statuses: [403, 403] });
  });

  it('a connector the account disabled', async () => {
    expect((await call('PUT', '/api/connectors/hubspot/settings', { enabled: false })).status).toBe(200);
    try {
      const answers = await bothDoors({ connectorId: 'hubspot', actionId: 'contacts_list', parameters: {} });
      expect(answers).toEqual({ mcp: ['FORBIDDEN', 'FORBIDDEN'], rest: ['FORBIDDEN', 'FORBIDDEN'], statuses: [403, 403] });
    } finally {
      await call('PUT', '/api/connectors/hubspot/settings', { enabled: true });
    }
  });

  it('a user the server does not allow', async () => {
    const mallory = (await call('POST', '/api/user-tokens', { userId: 'mallory' })).body.token as string;
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
    const mcp = await fetch(accessUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-user-token': mallory },
      body: JSON.stringify(initialize),
    });
    expect(mcp.status).toBe(403);
    expect(((await mcp.json()) as any).error.data.code).toBe('FORBIDDEN');
    const rest = await call('POST', '/api/runs', { kind: 'action', serverId, connectorId: 'slack', actionId: 'conversations_list', parameters: {} }, { 'x-user-token': mallory });
    expect(rest.status).toBe(403);
    expect(rest.body.error).toMatchObject({ code: 'FORBIDDEN', details: { userId: 'mallory' } });
  });

  it('and both run what the server allows', async () => {
    const action = { connectorId: 'slack', actionId: 'conversations_list', parameters: { limit: 5 } };
    expect((await client.callTool({ name: 'execute_action', arguments: action })).isError).toBeFalsy();
    expect((await call('POST', '/api/runs', { kind: 'action', serverId, ...action })).status).toBe(202);
  });
});
