import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.js';
import type { TestBrowser } from '../support/browser.js';
import { startConsoleSession, type ConsoleSession } from '../support/console.js';
import type { FakeSaas } from '../support/fakeSaas.js';
import { connectMcp } from '../support/mcp.js';
import { startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

/** The console's connectors, servers and runs pages, and its layout, in headless Chromium against the real app, a real SDK MCP server and the fake SaaS. */
describe('admin console: connectors, servers and runs', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let browser: TestBrowser;
  let page: Page;
  let call: ConsoleSession['call'];
  let domText: ConsoleSession['domText'];
  let dialog: ConsoleSession['dialog'];
  let nav: ConsoleSession['nav'];
  let session: ConsoleSession | undefined;
  const open = (started: ConsoleSession) => {
    session = started;
    ({ app, fake, browser, page, call, domText, dialog, nav } = started);
  };
  let remote: RemoteMcpServer;
  let client: Client | undefined;

  beforeAll(async () => {
    let started: ConsoleSession;
    [started, remote] = await Promise.all([startConsoleSession(), startRemoteMcpServer()]);
    open(started);
  });
  afterAll(async () => {
    await client?.close();
    await remote?.close();
    await session?.close();
  });

  it('serves the page without the API key, with a strict CSP, and signs in with a key kept out of the URL', async () => {
    const response = await page.goto(`${app.apiUrl}/console`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    const script = await fetch(`${app.apiUrl}/console/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${app.apiUrl}/api/console/config`)).status).toBe(401);

    await page.getByLabel('API key').fill('sk_wrong_key_000000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText('The API key is invalid or revoked').count()).toBe(1);

    await page.getByLabel('API key').fill(app.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connectors' }).waitFor();
    expect(page.url()).not.toContain(app.apiKey);
    expect(await page.evaluate("sessionStorage.getItem('switchboard.apiKey')")).toBe(app.apiKey);
    expect(await domText()).not.toContain(app.apiKey);
    await page.getByText('Connect external systems and services to your AI Teammates').waitFor();
    await page.getByText('No connectors').waitFor();
    for (const name of ['Gmail', 'Google Calendar', 'Google Drive']) await page.getByRole('rowheader', { name }).waitFor();
    expect(await page.getByRole('link', { name: /needs an OAuth connection/ }).count()).toBe(3);
    await browser.screenshot('01-connectors-empty');
  });

  it('adds a connector (required fields and duplicate names checked before submit), tests and edits it', async () => {
    await page.getByRole('button', { name: 'Add connector' }).click();
    const add = dialog('Add Connector');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await add.getByText('Name is required').waitFor();
    await add.getByText('URL is required').waitFor();
    await add.getByRole('textbox', { name: 'Name', exact: true }).fill('Remote Tools');
    await add.getByLabel('URL').fill('ftp://example.com/mcp');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await add.getByText('Enter an http:// or https:// URL').waitFor();
    await add.getByLabel('URL').fill(remote.url);
    await add.getByRole('button', { name: 'Add header' }).click();
    await add.getByLabel('Header name').fill('x-api-key');
    await add.getByLabel('Header value').fill(remote.apiKey);
    await browser.screenshot('02-add-connector');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('rowheader', { name: /Remote Tools/ }).waitFor();
    expect(await add.count()).toBe(0);
    expect(await domText()).not.toContain(remote.apiKey);

    await page.getByRole('button', { name: 'Add connector' }).click();
    await dialog('Add Connector').getByRole('textbox', { name: 'Name', exact: true }).fill('remote tools');
    await dialog('Add Connector').getByLabel('URL').fill(remote.url);
    await dialog('Add Connector').getByRole('button', { name: 'Add', exact: true }).click();
    await dialog('Add Connector').getByText('A connector named "remote tools" already exists').waitFor();
    await page.keyboard.press('Escape');
    expect((await call('GET', '/api/mcp-connectors')).body.count).toBe(1);

    await page.getByRole('button', { name: 'Test Remote Tools' }).click();
    const test = dialog('Test Connector');
    await test.getByText('Connected · 4 tools').waitFor();
    await test.getByRole('heading', { name: /Remote Tools\s+4 tools/ }).waitFor();
    for (const tool of ['echo', 'add', 'whoami', 'sleep']) await test.getByRole('listitem').getByText(tool, { exact: true }).waitFor();
    await browser.screenshot('03-test-connector');
    await test.getByRole('button', { name: 'Close', exact: true }).first().click();

    await page.getByRole('button', { name: 'Edit Remote Tools' }).click();
    const edit = dialog('Edit Connector');
    await edit.getByText('Update the connector configuration').waitFor();
    await edit.getByText('Simple (HTTP URL)').waitFor();
    await edit.getByText('Type cannot be changed. Recreate the connector to switch type.').waitFor();
    expect(await page.evaluate('document.activeElement.name')).toBe('name');
    await browser.screenshot('04-edit-connector');
    await edit.getByRole('textbox', { name: 'Name', exact: true }).fill('Remote Tools Renamed');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('rowheader', { name: /Remote Tools Renamed/ }).waitFor();
    const [row] = (await call('GET', '/api/mcp-connectors')).body.connectors;
    expect(row).toMatchObject({ name: 'Remote Tools Renamed', headers: { 'x-api-key': expect.not.stringContaining(remote.apiKey) } });
    // The header was kept (not sent again): the connector still authenticates.
    expect((await call('POST', '/api/mcp-connectors/test', { connectorId: row.id })).body.ok).toBe(true);
    await browser.screenshot('05-connectors');
  });

  let serverId: string;
  it('creates a server with restrictions, copies its MCP URL, and assigns a connector on its tab', async () => {
    await nav('Servers').click();
    await page.getByRole('heading', { level: 1, name: 'Servers' }).waitFor();
    await page.getByRole('button', { name: 'Create server' }).click();
    const create = dialog('Create Server');
    await create.getByRole('textbox', { name: 'Name', exact: true }).fill('Console agent');
    await create.getByLabel('Actions: mode').selectOption('blocklist');
    await create.getByLabel('Actions: ids').fill('github:issues_create');
    const created = page.waitForResponse((response) => response.url().endsWith('/api/servers') && response.request().method() === 'POST');
    await create.getByRole('button', { name: 'Create', exact: true }).click();
    const server = (await (await created).json()) as { serverId: string; accessToken: string; accessUrl: string };
    serverId = server.serverId;
    const access = dialog('Server created');
    await access.getByText(`••••••${server.accessToken.slice(-6)}`).first().waitFor();
    expect(await domText()).not.toContain(server.accessToken);
    await access.getByRole('button', { name: 'Copy MCP URL' }).click();
    await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe(server.accessUrl);
    await browser.screenshot('06-server-created');
    await access.getByRole('button', { name: 'Done' }).click();
    expect((await call('GET', `/api/servers/${serverId}`)).body.restrictions).toEqual({ actions: { mode: 'blocklist', ids: ['github:issues_create'], blockedActions: ['github:issues_create'] } });

    await page.getByRole('link', { name: 'Connectors of Console agent' }).click();
    await page.getByRole('tab', { name: 'Connectors', selected: true }).waitFor();
    await page.getByText('Connected systems and services').waitFor();
    await page.getByRole('checkbox', { name: /Remote Tools Renamed/ }).check();
    await page.getByText('Remote Tools Renamed assigned').waitFor();
    expect((await call('GET', `/api/servers/${serverId}/connectors`)).body.assignments).toEqual([
      expect.objectContaining({ kind: 'mcp', name: 'Remote Tools Renamed' }),
    ]);

    // Optimistic, rolled back when the API refuses.
    await page.route('**/api/servers/*/connectors', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'boom' } }) }),
    );
    const gmail = page.getByRole('checkbox', { name: /Gmail/ });
    await gmail.click();
    await page.getByText('Could not assign Gmail: boom').waitFor();
    expect(await gmail.isChecked()).toBe(false);
    await page.unroute('**/api/servers/*/connectors');
    await browser.screenshot('07-server-connectors-tab');
  });

  it('edits a server (name, description, expiry, restrictions), truncates long names, and rotates the token after a confirmation', async () => {
    const longName = 'x'.repeat(100);
    expect((await call('POST', '/api/servers', { name: longName })).status).toBe(201);
    await nav('Servers').click();
    const long = page.getByRole('link', { name: longName, exact: true });
    expect(await long.getAttribute('title')).toBe(longName);
    // Cut to one line inside its column (the full name is in the tooltip), and the page does not scroll sideways.
    expect((await long.boundingBox())!.width).toBeLessThan(320);
    expect((await long.boundingBox())!.height).toBeLessThan(30);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

    await page.getByRole('button', { name: 'Edit Console agent' }).click();
    const edit = dialog('Edit Server');
    expect(await edit.getByLabel('Actions: ids').inputValue()).toBe('github:issues_create');
    await edit.getByRole('textbox', { name: 'Name', exact: true }).fill('Console agent (edited)');
    await edit.getByLabel('Description').fill('Edited from the console');
    await edit.getByLabel(/^Token lifetime/).fill('30');
    await edit.getByLabel('Connectors: mode').selectOption('allowlist');
    await edit.getByLabel('Connectors: ids').fill('slack, github');
    await browser.screenshot('18-edit-server');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Console agent (edited) saved').waitFor();
    await page.getByRole('link', { name: 'Console agent (edited)', exact: true }).waitFor();
    expect((await call('GET', `/api/servers/${serverId}`)).body).toMatchObject({
      name: 'Console agent (edited)',
      description: 'Edited from the console',
      tokenExpiresInDays: 30,
      restrictions: { connectors: { mode: 'allowlist', ids: ['slack', 'github'] }, actions: { mode: 'blocklist', ids: ['github:issues_create'] } },
    });

    await page.getByRole('button', { name: 'Rotate token of Console agent (edited)' }).click();
    await dialog('Rotate token').getByRole('button', { name: 'Cancel' }).click();
    const rotated = page.waitForResponse((response) => response.url().endsWith('/rotate-token'));
    await page.getByRole('button', { name: 'Rotate token of Console agent (edited)' }).click();
    await dialog('Rotate token').getByText('Clients using the old URL stop working at once', { exact: false }).waitFor();
    await dialog('Rotate token').getByRole('button', { name: 'Rotate token' }).click();
    const { accessToken } = (await (await rotated).json()) as { accessToken: string };
    await dialog('Token rotated').getByText(`••••••${accessToken.slice(-6)}`).first().waitFor();
    expect(await domText()).not.toContain(accessToken);
    await dialog('Token rotated').getByRole('button', { name: 'Done' }).click();
    await browser.screenshot('19-servers');
  });

  it('switches a server to tools mode and lists the tools an agent sees on its Tools tab', async () => {
    await page.getByRole('button', { name: 'Edit Console agent (edited)' }).click();
    const edit = dialog('Edit Server');
    expect(await edit.getByLabel('Mode', { exact: true }).inputValue()).toBe('connectivity');
    await edit.getByLabel('Mode', { exact: true }).selectOption('tools');
    // Without the connector allowlist, the assigned remote server's tools are what it offers.
    await edit.getByLabel('Connectors: mode').selectOption('');
    // The previous test's "saved" notice may still show: wait for this save's answer instead.
    const saved = page.waitForResponse((response) => response.url().endsWith(`/api/servers/${serverId}`) && response.request().method() === 'PUT');
    await edit.getByRole('button', { name: 'Save' }).click();
    expect((await (await saved).json()).mode).toBe('tools');

    await page.getByRole('link', { name: 'Console agent (edited)', exact: true }).click();
    await page.getByText('Tools: each allowed action is a tool of its own').waitFor();
    await page.getByRole('tab', { name: 'Tools' }).click();
    await page.getByText("4 tools on an agent's tools/list, as you would see them.").waitFor();
    for (const name of ['add', 'echo', 'sleep', 'whoami']) await page.getByRole('rowheader', { name }).waitFor();
    expect((await call('GET', `/api/servers/${serverId}/tools`)).body).toMatchObject({ mode: 'tools', listed: 4, count: 4 });
    await browser.screenshot('19b-server-tools-tab');
  });

  it('shows a run after an execute_action, with a link to the Temporal UI', async () => {
    const agent = await call('POST', '/api/servers', { name: 'slack agent' });
    client = await connectMcp(agent.body.accessUrl);
    const result = await client.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'from the console test' } },
    });
    const { workflowId } = result.structuredContent as { workflowId: string };
    expect(workflowId).toBeTruthy();

    await nav('Runs').click();
    await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor();
    const row = page.getByRole('row', { name: /chat_postMessage/ });
    await expect.poll(async () => (await row.count()) > 0 || (await page.getByRole('button', { name: 'Refresh' }).click(), false), { timeout: 20_000 }).toBe(true);
    await row.getByText('succeeded').waitFor();
    await row.getByRole('cell', { name: 'slack', exact: true }).waitFor();
    const link = row.getByRole('link', { name: /Temporal UI/ });
    expect(await link.getAttribute('href')).toBe(`${app.config.temporal.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
    await browser.screenshot('08-runs');
  });

  it('filters runs and opens a failed one: input ids, the error with its details, and the Temporal UI link', async () => {
    fake.fail({ path: '/chat.postMessage', status: 400, body: { ok: false, error: 'invalid_blocks' }, times: 1 });
    const failed = await client!.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'secret words not in the memo' } },
    });
    expect(failed.isError).toBe(true);

    await page.getByLabel('Status').selectOption('failed');
    await page.getByLabel('Connector').fill('slack');
    await page.getByLabel('Connector').press('Enter');
    const row = page.getByRole('row', { name: /chat_postMessage/ });
    await expect.poll(async () => (await row.count()) === 1 || (await page.getByRole('button', { name: 'Refresh' }).click(), false), { timeout: 20_000 }).toBe(true);
    await row.getByText('failed').waitFor();
    await page.getByRole('searchbox', { name: 'Action' }).fill('chat_postMessage');
    await page.getByRole('combobox', { name: 'Server' }).selectOption({ label: 'slack agent' });
    await row.getByText('failed').waitFor();
    await page.getByRole('combobox', { name: 'Server' }).selectOption('api');
    await page.getByText('No runs').waitFor();
    await page.getByRole('combobox', { name: 'Server' }).selectOption('');
    await page.getByLabel('User').fill('someone-else');
    await page.getByLabel('User').press('Enter');
    await page.getByText('No runs').waitFor();
    await page.getByLabel('User').fill('');
    await page.getByLabel('User').press('Enter');
    await browser.screenshot('20-runs-filtered');

    await row.getByRole('link', { name: 'chat_postMessage' }).click();
    await page.getByRole('heading', { level: 1, name: 'slack · chat_postMessage' }).waitFor();
    await page.getByRole('alert').getByText('UPSTREAM_ERROR').waitFor();
    await page.getByText('invalid_blocks').first().waitFor();
    const detail = await page.locator('main').innerText();
    expect(detail).toContain('"connectorId": "slack"');
    expect(detail).not.toContain('secret words not in the memo');
    const temporal = await page.getByRole('link', { name: /in the Temporal UI/ }).first().getAttribute('href');
    expect(temporal).toMatch(new RegExp(`^${app.config.temporal.uiUrl}/namespaces/default/workflows/`));
    await browser.screenshot('21-run-failed');
  });

  it('holds up at 375 px and 1440 px: no page-wide sideways scroll, tables scroll inside their card', async () => {
    const pages = [
      { name: 'connectors', hash: '#/connectors', heading: 'Connectors' },
      { name: 'catalogue', hash: '#/connectors/catalogue', heading: 'Connectors' },
      { name: 'connector', hash: '#/connectors/catalogue/slack', heading: 'Slack' },
      { name: 'oauth-apps', hash: '#/connectors/oauth-apps', heading: 'Connectors' },
      { name: 'servers', hash: '#/servers', heading: 'Servers' },
      { name: 'server', hash: `#/servers/${serverId}/overview`, heading: 'Console agent (edited)' },
      { name: 'credentials', hash: '#/credentials', heading: 'Credentials' },
      { name: 'runs', hash: '#/runs', heading: 'Runs' },
    ];
    const [run] = (await call('GET', '/api/runs?status=failed')).body.runs;
    pages.push({ name: 'run', hash: `#/runs/${run.runId}`, heading: 'slack · chat_postMessage' });
    for (const width of [375, 1440]) {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
      for (const { name, hash, heading } of pages) {
        await page.goto(`${app.apiUrl}/console/${hash}`);
        await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
        await page.getByText('Loading…').waitFor({ state: 'detached' });
        await browser.screenshot(`${width}-${name}`);
        // What sticks out past the right edge (none may), named by tag and class.
        const overflow = await page.evaluate(
          "[...document.querySelectorAll('body *')].filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1 && !element.closest('.table-scroll *, dialog:not([open])')).map((element) => `${element.tagName}.${element.className}`).slice(0, 5)",
        );
        expect({ width, name, overflow }).toEqual({ width, name, overflow: [] });
        expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBe(0);
      }
    }
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${app.apiUrl}/console/#/runs`);
    // The table is wider than a phone: it scrolls inside its card, whose edge stays on screen.
    // (The servers table stacks instead: test/e2e/console-first-hour.test.ts.)
    await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor();
    await page.getByText('Loading…').waitFor({ state: 'detached' });
    expect(await page.evaluate("(() => { const element = document.querySelector('.table-scroll'); return element.scrollWidth > element.clientWidth && element.getBoundingClientRect().right <= window.innerWidth; })()")).toBe(true);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('deletes connectors one by one and in bulk, never the predefined ones', async () => {
    expect((await call('POST', '/api/mcp-connectors', { name: 'Second', url: remote.url })).status).toBe(201);
    expect((await call('POST', '/api/mcp-connectors', { name: 'Third', url: remote.url })).status).toBe(201);
    await nav('Connectors').click();
    await page.getByRole('rowheader', { name: /Third/ }).waitFor();

    await page.getByRole('button', { name: 'Delete Remote Tools Renamed' }).click();
    await dialog('Delete connector').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Connector deleted').waitFor();
    await expect.poll(() => page.getByRole('rowheader', { name: /Remote Tools Renamed/ }).count()).toBe(0);
    expect((await call('GET', `/api/servers/${serverId}/connectors`)).body.count).toBe(0);

    await page.getByRole('checkbox', { name: 'Select all connectors' }).check();
    expect(await page.getByRole('checkbox', { name: /Gmail is predefined/ }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Delete selected connectors' }).click();
    await dialog('Delete connector').getByText('Delete 2 connectors?', { exact: false }).waitFor();
    await dialog('Delete connector').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No connectors').waitFor();
    await page.getByRole('rowheader', { name: 'Gmail' }).waitFor();
    expect((await call('GET', '/api/mcp-connectors')).body.count).toBe(0);
    await browser.screenshot('10-connectors-after-delete');
  });
});
