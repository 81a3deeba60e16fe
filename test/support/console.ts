import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './app.js';
import { launchBrowser, type TestBrowser } from './browser.js';
import { startFakeSaas, type FakeSaas } from './fakeSaas.js';
import { api } from './mcp.js';

/** The admin console in headless Chromium against the real app, with a slack credential on the fake SaaS. */
export interface ConsoleSession {
  app: TestApp;
  fake: FakeSaas;
  browser: TestBrowser;
  page: Page;
  call(method: string, path: string, body?: unknown): ReturnType<typeof api>;
  /** Everything the page holds, markup and field values: no secret may be in it. */
  domText(): Promise<string>;
  dialog(name: string): ReturnType<Page['getByRole']>;
  nav(name: string): ReturnType<Page['getByRole']>;
  close(): Promise<void>;
}

export async function startConsoleSession(): Promise<ConsoleSession> {
  const [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } }), startFakeSaas()]);
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  expect((await call('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url })).status).toBe(200);
  expect((await call('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: fake.token } })).status).toBe(201);
  const browser = await launchBrowser(app.apiUrl);
  const page = browser.page;
  page.setDefaultTimeout(10_000);
  return {
    app,
    fake,
    browser,
    page,
    call,
    // Strings, not functions: they run in the browser, and this file is type-checked without the DOM library.
    domText: () =>
      page.evaluate<string>("document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((input) => input.value).join(' ')"),
    dialog: (name) => page.getByRole('dialog', { name }),
    nav: (name) => page.getByRole('navigation').getByRole('link', { name }),
    async close() {
      await browser.close();
      await fake.close();
      await app.close();
    },
  };
}

/** Signs in with the account's API key, as a user would. */
export async function signInToConsole({ app, page }: ConsoleSession): Promise<void> {
  await page.goto(`${app.apiUrl}/console`);
  await page.getByLabel('API key').fill(app.apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Connectors' }).waitFor();
}
