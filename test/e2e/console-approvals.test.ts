import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from '../support/app.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { connectToFakeSaas } from '../support/fixtures.js';
import { api, connectMcp } from '../support/mcp.js';
import { spawnSwitchboard, type SpawnedSwitchboard } from '../support/process.js';

/**
 * The whole story: a destructive call through MCP is held by a policy, Switchboard (API and
 * worker) is killed and started again, an approver approves it in the console, and the call runs once.
 */
describe('console approvals', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let browser: TestBrowser | undefined;
  const spawned: SpawnedSwitchboard[] = [];
  const clients: Client[] = [];
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
    await connectToFakeSaas(app, fake, ['github']);
    fake.fail({ path: '/gists/g1', status: 200, body: { deleted: 'g1' } });
  });
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await browser?.close();
    for (const process of spawned) await process.stop();
    await fake?.close();
    await app?.close();
  });

  async function signIn(page: Page, origin: string) {
    await page.goto(`${origin}/console`);
    await page.getByLabel('API key').fill(app.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connectors' }).waitFor();
  }

  it('writes a policy in the editor; the held call survives a restart, is approved in the console and runs once', async () => {
    const env = {
      ...app.testDatabase.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `${app.temporal.taskQueue}-console`,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      EGRESS_ALLOW_HOSTS: '127.0.0.1,localhost',
      RATE_LIMIT_PER_MINUTE: '1000',
    };
    const first = await spawnSwitchboard('all', env);
    spawned.push(first);
    browser = await launchBrowser(first.url);
    const page = browser.page;
    page.setDefaultTimeout(15_000);

    // The policy, written in the console's editor (its example holds destructive github calls).
    await signIn(page, first.url);
    await page.getByRole('navigation').getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('heading', { level: 1, name: 'Policies' }).waitFor();
    await page.getByRole('button', { name: 'New policy' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').textContent()).toContain('require_approval');

    const server = (await call('POST', '/api/servers', { name: 'console approvals' })).body;
    const viaFirst = await connectMcp(server.accessUrl.replace(app.apiUrl, first.url));
    clients.push(viaFirst);
    const created = await viaFirst.request(
      { method: 'tools/call', params: { name: 'execute_action', arguments: { connectorId: 'github', actionId: 'gists_delete', parameters: { gist_id: 'g1' } }, task: { ttl: 600_000 } } },
      CreateTaskResultSchema,
    );
    await expect.poll(async () => (await call('GET', '/api/approvals?status=pending')).body.approvals.length, { timeout: 20_000 }).toBe(1);
    await first.stop('SIGKILL');
    expect(fake.requests).toHaveLength(0);

    const second = await spawnSwitchboard('all', env);
    spawned.push(second);
    await signIn(page, second.url);
    await page.getByRole('navigation').getByRole('link', { name: 'Approvals' }).click();
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    await page.getByRole('link', { name: 'github gists_delete' }).click();
    await page.getByRole('heading', { level: 1, name: 'Approval request' }).waitFor();
    expect(await page.getByLabel('Arguments').textContent()).toContain('"gist_id": "g1"');
    await page.getByLabel('Reason').fill('approved in the console');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('approved', { exact: true }).waitFor();
    await browser.screenshot('approval-decided');

    const viaSecond = await connectMcp(server.accessUrl.replace(app.apiUrl, second.url));
    clients.push(viaSecond);
    const result = await viaSecond.request({ method: 'tasks/result', params: { taskId: created.task.taskId } }, CallToolResultSchema, { timeout: 60_000 });
    expect(result.structuredContent).toMatchObject({ status: 200, result: { deleted: 'g1' } });
    expect(fake.requests.filter((sent) => sent.path === '/gists/g1')).toHaveLength(1);

    await page.getByRole('link', { name: 'All requests' }).click();
    await page.getByLabel('Show').selectOption('decided');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').textContent()).toContain('approved in the console');
  }, 240_000);
});
