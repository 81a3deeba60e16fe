import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, CreateTaskResultSchema, GetTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from '../support/app.js';
import { spawnSwitchboard } from '../support/process.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { connectToFakeSaas } from '../support/fixtures.js';
import { api, connectMcp, toolError } from '../support/mcp.js';

/** github gists_delete: DELETE /gists/{gist_id}, marked destructive in the catalogue. */
const deleteGist = (gistId: string) => ({ connectorId: 'github', actionId: 'gists_delete', parameters: { gist_id: gistId } });
const requireApprovalForDestructive = {
  name: 'destructive needs a person',
  effect: 'require_approval',
  when: { annotations: { destructive: true } },
  approval: { timeoutSeconds: 3600 },
};

const REVISION = '2026-07-28';
const clientInfo = { name: 'switchboard-approvals-tests', version: '1.0.0' };
const envelope = {
  'io.modelcontextprotocol/protocolVersion': REVISION,
  'io.modelcontextprotocol/clientInfo': clientInfo,
  'io.modelcontextprotocol/clientCapabilities': { extensions: { 'io.modelcontextprotocol/tasks': {} } },
};

/** One 2026-07-28 JSON-RPC request (no session: the envelope rides in _meta), its answer read from JSON or SSE. */
async function post2026(url: string, apiKey: string, method: string, params: Record<string, unknown>): Promise<Record<string, any>> {
  const name = params.name ?? params.taskId;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': REVISION,
      'mcp-method': method,
      ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: envelope } }),
  });
  const text = await response.text();
  if (!response.headers.get('content-type')?.includes('text/event-stream')) return JSON.parse(text);
  const messages = text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.length > 6)
    .map((line) => JSON.parse(line.slice(6)) as Record<string, any>);
  return messages.find((message) => 'result' in message || 'error' in message)!;
}

/** The timers of a run as an operator reads them in the Temporal UI, and the updates it took. */
async function historyOf(app: TestApp, workflowId: string) {
  const history = await app.temporal.client.workflow.getHandle(workflowId).fetchHistory();
  const text = (payload: Payload | null | undefined) => (payload ? defaultPayloadConverter.fromPayload<string>(payload as Payload) : undefined);
  const timers: string[] = [];
  const updates: unknown[] = [];
  for (const event of history.events ?? []) {
    if (event.timerStartedEventAttributes) timers.push(text(event.userMetadata?.summary) ?? '(no summary)');
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads?.[0];
    if (accepted) updates.push(defaultPayloadConverter.fromPayload(accepted as Payload));
  }
  return { timers, updates };
}

describe('call policies and approvals through MCP', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let mcp: Client;
  let server: { accessUrl: string; url: string };
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  const policies: string[] = [];
  const addPolicy = async (policy: unknown) => {
    const created = await call('POST', '/api/policies', policy);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    policies.push(created.body.id);
    return created.body;
  };
  const pending = async () => (await call('GET', '/api/approvals?status=pending')).body.approvals as Array<{ id: string; argumentsDigest: string; workflowId: string; parameters: unknown }>;
  const awaitPending = async () => {
    await expect.poll(async () => (await pending()).length, { timeout: 20_000 }).toBe(1);
    return (await pending())[0]!;
  };
  const execute = (args: ReturnType<typeof deleteGist>) =>
    mcp.callTool({ name: 'execute_action', arguments: args }, CallToolResultSchema, { timeout: 120_000 });

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
    await connectToFakeSaas(app, fake, ['github']);
    server = (await call('POST', '/api/servers', { name: 'approvals' })).body;
    mcp = await connectMcp(server.accessUrl);
  });
  afterAll(async () => {
    await mcp?.close();
    await fake?.close();
    await app?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.fail({ path: '/gists/g1', status: 200, body: { deleted: 'g1' } });
    fake.fail({ path: '/gists/g2', status: 200, body: { deleted: 'g2' } });
  });
  afterEach(async () => {
    for (const id of policies.splice(0)) await call('DELETE', `/api/policies/${id}`);
  });

  it('validates policies with the one schema and keeps their versions', async () => {
    const refused = await call('POST', '/api/policies', { name: 'x', effect: 'maybe', when: { arguments: [{ path: 'a', equals: 1, in: [1] }] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('INVALID_REQUEST');
    const created = await addPolicy(requireApprovalForDestructive);
    expect(created).toMatchObject({ version: 1, enabled: true, effect: 'require_approval' });
    const updated = await call('PUT', `/api/policies/${created.id}`, { ...requireApprovalForDestructive, description: 'v2' });
    expect(updated.body).toMatchObject({ version: 2, description: 'v2' });
    const audit = await call('GET', `/api/audit?target=${created.id}`);
    expect(audit.body.entries.map((entry: { action: string }) => entry.action)).toContain('PUT /api/policies/:id');
  });

  it('a destructive call waits for approval, in its history, and runs once when approved', async () => {
    await addPolicy(requireApprovalForDestructive);
    const result = execute(deleteGist('g1'));
    const request = await awaitPending();
    expect(request).toMatchObject({ parameters: { gist_id: 'g1' }, argumentsDigest: expect.stringMatching(/^sha256:/) });
    expect(fake.requests).toHaveLength(0);

    const approved = await call('POST', `/api/approvals/${request.id}/approve`, { digest: request.argumentsDigest, reason: 'cleanup ticket 42' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const outcome = await result;
    expect(outcome.isError).toBeFalsy();
    expect(outcome.structuredContent).toMatchObject({ status: 200, result: { deleted: 'g1' } });
    expect(fake.requests.filter((sent) => sent.path === '/gists/g1')).toHaveLength(1);

    const { timers, updates } = await historyOf(app, request.workflowId);
    expect(timers[0]).toMatch(/^awaiting approval: policy "destructive needs a person" v1 requires it for github gists_delete/);
    expect(updates).toEqual([expect.objectContaining({ decision: 'approved', decidedBy: expect.any(String), reason: 'cleanup ticket 42' })]);
    await expect.poll(async () => (await call('GET', `/api/approvals/${request.id}`)).body.status).toBe('approved');
    const audit = await call('GET', `/api/audit?target=${request.id}`);
    expect(audit.body.entries.map((entry: { action: string }) => entry.action)).toEqual(expect.arrayContaining(['approval.approved']));
  });

  it('refuses a decision naming other arguments, and a denial reaches the caller as APPROVAL_DENIED', async () => {
    await addPolicy(requireApprovalForDestructive);
    const result = execute(deleteGist('g1'));
    const request = await awaitPending();
    const otherDigest = `sha256:${'0'.repeat(64)}`;
    const refused = await call('POST', `/api/approvals/${request.id}/approve`, { digest: otherDigest });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');

    expect((await call('POST', `/api/approvals/${request.id}/deny`, { digest: request.argumentsDigest, reason: 'not this one' })).status).toBe(200);
    const error = toolError(await result);
    expect(error).toMatchObject({ code: 'APPROVAL_DENIED', message: expect.stringContaining('not this one') });
    expect(fake.requests).toHaveLength(0);
    const again = await call('POST', `/api/approvals/${request.id}/approve`, { digest: request.argumentsDigest });
    expect(again.status).toBe(409);
  });

  it('an expired request denies the call with APPROVAL_EXPIRED', async () => {
    await addPolicy({ ...requireApprovalForDestructive, approval: { timeoutSeconds: 2 } });
    const error = toolError(await execute(deleteGist('g2')));
    expect(error).toMatchObject({ code: 'APPROVAL_EXPIRED' });
    expect(fake.requests).toHaveLength(0);
    const [expired] = (await call('GET', '/api/approvals?status=expired')).body.approvals;
    expect(expired).toMatchObject({ status: 'expired', parameters: { gist_id: 'g2' } });
  });

  it('a deny rule blocks the call before any upstream request', async () => {
    await addPolicy({ name: 'no gist g2', scope: { connectorId: 'github' }, effect: 'deny', when: { arguments: [{ path: 'gist_id', equals: 'g2' }] } });
    const error = toolError(await execute(deleteGist('g2')));
    expect(error).toMatchObject({ code: 'POLICY_DENIED', details: { policyId: expect.stringMatching(/^pol_/) } });
    expect(fake.requests).toHaveLength(0);
    // Other arguments are not matched by the rule.
    expect((await execute(deleteGist('g1'))).isError).toBeFalsy();
  });

  it('a result rule redacts a field before the caller sees it', async () => {
    await addPolicy({ name: 'hide who deleted', scope: { connectorId: 'github', actionId: 'gists_delete' }, effect: 'allow', results: { redact: ['deleted'] } });
    const outcome = await execute(deleteGist('g1'));
    expect(outcome.structuredContent).toMatchObject({ status: 200, result: { deleted: '[redacted by policy]' } });
  });

  it('a task (2025-11-25) waits for approval across a full restart of Switchboard, and runs once', async () => {
    await addPolicy(requireApprovalForDestructive);
    // A whole Switchboard (API and worker) of its own, on its own task queue: killing it leaves no worker for the run.
    const env = {
      ...app.testDatabase.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `${app.temporal.taskQueue}-restart`,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      EGRESS_ALLOW_HOSTS: '127.0.0.1,localhost',
      RATE_LIMIT_PER_MINUTE: '1000',
    };
    const first = await spawnSwitchboard('all', env);
    let second: Awaited<ReturnType<typeof spawnSwitchboard>> | undefined;
    try {
      const viaFirst = await connectMcp(server.accessUrl.replace(app.apiUrl, first.url));
      const created = await viaFirst.request(
        { method: 'tools/call', params: { name: 'execute_action', arguments: deleteGist('g1'), task: { ttl: 600_000 } } },
        CreateTaskResultSchema,
      );
      const request = await awaitPending();
      await expect
        .poll(async () => (await viaFirst.request({ method: 'tasks/get', params: { taskId: created.task.taskId } }, GetTaskResultSchema)).statusMessage)
        .toContain(`/console/#/approvals/${request.id}`);
      await first.stop('SIGKILL');

      second = await spawnSwitchboard('all', env);
      const approved = await api(second.url, app.apiKey, 'POST', `/api/approvals/${request.id}/approve`, { digest: request.argumentsDigest, reason: 'after the restart' });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      const viaSecond = await connectMcp(server.accessUrl.replace(app.apiUrl, second.url));
      const result = await viaSecond.request({ method: 'tasks/result', params: { taskId: created.task.taskId } }, CallToolResultSchema, { timeout: 60_000 });
      expect(result.structuredContent).toMatchObject({ status: 200, result: { deleted: 'g1' } });
      expect(fake.requests.filter((sent) => sent.path === '/gists/g1')).toHaveLength(1);
      await viaSecond.close();
    } finally {
      await first.stop();
      await second?.stop();
    }
    // Two whole processes start (about 20 s each on a busy 2-core machine).
  }, 180_000);

  it('a 2026-07-28 task is input_required with the approval page as its input request until approved', async () => {
    await addPolicy(requireApprovalForDestructive);
    const created = (await post2026(server.url, app.apiKey, 'tools/call', { name: 'execute_action', arguments: deleteGist('g1') })).result;
    expect(created).toMatchObject({ resultType: 'task', status: 'input_required' });
    const request = await awaitPending();
    const waiting = (await post2026(server.url, app.apiKey, 'tasks/get', { taskId: created.taskId })).result;
    expect(waiting).toMatchObject({ status: 'input_required' });
    const [input] = Object.values(waiting.inputRequests as Record<string, { method: string; params: { mode: string; url: string } }>);
    expect(input).toMatchObject({ method: 'elicitation/create', params: { mode: 'url', url: `${app.apiUrl}/console/#/approvals/${request.id}` } });

    expect((await call('POST', `/api/approvals/${request.id}/approve`, { digest: request.argumentsDigest })).status).toBe(200);
    await expect.poll(async () => (await post2026(server.url, app.apiKey, 'tasks/get', { taskId: created.taskId })).result.status, { timeout: 30_000 }).toBe('completed');
    const done = (await post2026(server.url, app.apiKey, 'tasks/get', { taskId: created.taskId })).result;
    expect(done.result).toMatchObject({ structuredContent: { status: 200, result: { deleted: 'g1' } } });
  });

  it('approvers list and deny through the admin MCP tools; a user-role key may not decide', async () => {
    await addPolicy(requireApprovalForDestructive);
    const result = execute(deleteGist('g1'));
    const request = await awaitPending();

    const userKey = (await call('POST', '/api/keys', { name: 'agent user', role: 'user' })).body;
    const refused = await api(app.apiUrl, userKey.key, 'POST', `/api/approvals/${request.id}/approve`, { digest: request.argumentsDigest });
    expect(refused.status).toBe(403);

    const adminServer = (await call('POST', '/api/servers', { name: 'approvers', admin: true })).body;
    const approver = await connectMcp(adminServer.accessUrl);
    try {
      const listed = await approver.callTool({ name: 'list_approvals', arguments: { status: 'pending' } });
      expect((listed.structuredContent as { approvals: Array<{ id: string }> }).approvals.map((item) => item.id)).toEqual([request.id]);
      const denied = await approver.callTool({ name: 'deny_call', arguments: { approvalId: request.id, digest: request.argumentsDigest, reason: 'wrong gist' } });
      expect(denied.isError, JSON.stringify(denied)).toBeFalsy();
      expect(toolError(await result)).toMatchObject({ code: 'APPROVAL_DENIED', message: expect.stringContaining('wrong gist') });
      const audit = await call('GET', `/api/audit?target=${request.id}`);
      expect(audit.body.entries.map((entry: { action: string }) => entry.action)).toEqual(expect.arrayContaining(['MCP deny_call', 'approval.denied']));
    } finally {
      await approver.close();
    }
  });
});

describe('the approvers\' webhook', () => {
  it('announces a new request to APPROVAL_WEBHOOK_URL without its arguments', async () => {
    const received: Array<Record<string, unknown>> = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const fake = await startFakeSaas();
    const app = await startTestApp({ env: { APPROVAL_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/approvals`, PUBLIC_URL: 'https://switchboard.example' } });
    // Links are built on PUBLIC_URL; the test reaches the app where it listens.
    const accessUrl = (await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'hooked' })).body.accessUrl as string;
    const mcp = await connectMcp(accessUrl.replace('https://switchboard.example', app.apiUrl));
    try {
      await connectToFakeSaas(app, fake, ['github']);
      await api(app.apiUrl, app.apiKey, 'POST', '/api/policies', requireApprovalForDestructive);
      const result = mcp.callTool({ name: 'execute_action', arguments: deleteGist('secret-gist') }, CallToolResultSchema, { timeout: 60_000 });
      await expect.poll(() => received.length, { timeout: 20_000 }).toBe(1);
      const [announced] = received;
      expect(announced).toMatchObject({
        type: 'approval.requested',
        connectorId: 'github',
        actionId: 'gists_delete',
        argumentsDigest: expect.stringMatching(/^sha256:/),
        policy: { name: 'destructive needs a person', version: 1 },
        url: expect.stringMatching(/^https:\/\/switchboard\.example\/console\/#\/approvals\/apr_/),
      });
      expect(JSON.stringify(announced)).not.toContain('secret-gist');
      const approvalId = announced!.approvalId as string;
      await api(app.apiUrl, app.apiKey, 'POST', `/api/approvals/${approvalId}/deny`, { digest: announced!.argumentsDigest, reason: 'test over' });
      expect(toolError(await result)?.code).toBe('APPROVAL_DENIED');
    } finally {
      await mcp.close();
      await app.close();
      await fake.close();
      hook.close();
    }
  });
});
