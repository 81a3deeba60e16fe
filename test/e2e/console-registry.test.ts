import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { api } from '../support/mcp.js';
import { startMcpRegistry, type McpRegistryServer } from '../support/mcpRegistry.js';
import { startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

/** Connectors › Registry in headless Chromium: search our own registry on 127.0.0.1, install a remote entry with its header. */
describe('console registry', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let registry: McpRegistryServer;
  let remote: RemoteMcpServer;

  beforeAll(async () => {
    remote = await startRemoteMcpServer();
    registry = await startMcpRegistry([
      {
        name: 'io.example/remote-tools',
        title: 'Remote Tools',
        description: 'A remote server that wants an API key header',
        version: '2.0.0',
        remotes: [{ type: 'streamable-http', url: remote.url, headers: [{ name: 'x-api-key', isRequired: true, isSecret: true }] }],
      },
      { name: 'io.example/weather', description: 'Weather over stdio', version: '1.0.0', packages: [{ registryType: 'npm', identifier: 'weather-mcp', transport: { type: 'stdio' } }] },
    ]);
    app = await startTestApp({ env: { MCP_REGISTRY_URL: registry.url } });
    browser = await launchBrowser(app.apiUrl);
    page = browser.page;
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await Promise.all([registry?.close(), remote?.close()]);
  });

  it('searches, shows why a package cannot be installed, and installs a remote entry', async () => {
    await page.goto(`${app.apiUrl}/console`);
    await page.getByLabel('API key').fill(app.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connectors' }).waitFor();
    await page.getByRole('link', { name: 'Registry' }).click();
    await page.getByText('Weather over stdio').waitFor();
    expect(await page.content()).toContain('HOSTED_MCP_ALLOW_NETWORK');

    await page.getByLabel('Search the registry').fill('remote');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByText('Weather over stdio').count()).toBe(0);
    await page.getByRole('button', { name: /^Install io\.example\/remote-tools/ }).click();
    await page.getByLabel('x-api-key').fill(remote.apiKey);
    await page.getByRole('dialog').getByRole('button', { name: 'Install' }).click();
    await page.getByRole('cell', { name: /Remote Tools/ }).or(page.getByRole('rowheader', { name: /Remote Tools/ })).first().waitFor();

    const { body } = await api(app.apiUrl, app.apiKey, 'GET', '/api/mcp-connectors');
    expect(body.connectors).toEqual([expect.objectContaining({ connectorId: 'mcp-remote-tools', type: 'simple', headers: { 'x-api-key': expect.not.stringContaining(remote.apiKey) } })]);
  });
});
