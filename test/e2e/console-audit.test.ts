import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { api } from '../support/mcp.js';

/** The console's audit page in headless Chromium against the real app. */
describe('console audit log', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  const secret = 'cs_console_audit_secret_0123456789';

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser(app.apiUrl);
    page = browser.page;
    page.setDefaultTimeout(10_000);
    expect((await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'Audited agent' })).status).toBe(201);
    expect((await api(app.apiUrl, app.apiKey, 'PUT', '/api/oauth-apps/slack', { clientId: 'console-client', clientSecret: secret })).status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lists the entries newest first, filters them, and shows no secret', async () => {
    await page.goto(`${app.apiUrl}/console`);
    await page.getByLabel('API key').fill(app.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connectors' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();

    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('PUT /api/oauth-apps/:connectorId');
    expect(await rows.nth(1).textContent()).toContain('POST /api/servers');
    expect(await rows.nth(1).textContent()).toContain('default (admin, apiKey)');

    await page.getByLabel('Action').fill('POST');
    await page.getByLabel('Action').press('Enter');
    await expect.poll(() => rows.count()).toBe(1);

    await page.getByLabel('Action').fill('');
    await page.getByLabel('Action').press('Enter');
    await expect.poll(() => rows.count()).toBe(2);
    await rows.nth(0).getByText('Before / after').click();
    const html = await page.content();
    expect(html).toContain('[masked]');
    expect(html).not.toContain('0123456789');
  });
});
