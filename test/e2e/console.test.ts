import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { startOAuthUpstream } from '../support/fixtures.js';
import type { OAuthServerHandle } from '../support/oauthServer.js';
import { api, connectMcp } from '../support/mcp.js';
import { startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

/** The admin console in headless Chromium, against the real app, a real SDK MCP server and the fake SaaS. */
describe('admin console', () => {
  let app: TestApp;
  let remote: RemoteMcpServer;
  let fake: FakeSaas;
  let browser: TestBrowser;
  let page: Page;
  let client: Client | undefined;
  let provider: OAuthServerHandle | undefined;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  /** Everything the page holds, markup and field values: no secret may be in it. */
  // Strings, not functions: they run in the browser, and this file is type-checked without the DOM library.
  const domText = () =>
    page.evaluate<string>("document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((input) => input.value).join(' ')");
  const dialog = (name: string) => page.getByRole('dialog', { name });
  const nav = (name: string) => page.getByRole('navigation').getByRole('link', { name });

  beforeAll(async () => {
    [app, remote, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000' } }), startRemoteMcpServer(), startFakeSaas()]);
    expect((await call('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url })).status).toBe(200);
    expect((await call('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: fake.token } })).status).toBe(201);
    browser = await launchBrowser(app.apiUrl);
    page = browser.page;
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await client?.close();
    await browser?.close();
    await Promise.all([remote?.close(), fake?.close(), provider?.close()]);
    await app?.close();
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
    expect((await call('GET', `/api/servers/${serverId}`)).body.restrictions).toEqual({ actions: { mode: 'blocklist', ids: ['github:issues_create'] } });

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

  it('lists credentials with their last 6 characters only', async () => {
    await nav('Credentials').click();
    const row = page.getByRole('row', { name: /slack/ });
    await row.getByText('active').waitFor();
    await row.getByText(`token …${fake.token.slice(-6)}`).waitFor();
    expect(await domText()).not.toContain(fake.token);
    await browser.screenshot('09-credentials');
  });

  it('connects a key credential from the fields get_credential_metadata names, and shows it masked', async () => {
    const password = 'bitbucket-app-password-9f3c2a';
    await page.getByRole('button', { name: 'Connect credential' }).click();
    const connect = dialog('Connect credential');
    await connect.getByLabel('Connector').fill('bitbucket');
    await connect.getByRole('button', { name: 'Next' }).click();
    await connect.getByLabel('Authentication').selectOption('basic');
    await connect.getByRole('button', { name: 'Save credential' }).click();
    await connect.getByText('username is required').waitFor();
    await connect.getByLabel(/^username/).fill('console-user');
    await connect.getByLabel(/^password/).fill(password);
    await connect.getByLabel('Name', { exact: true }).fill('Bitbucket bot');
    await browser.screenshot('11-connect-key-credential');
    await connect.getByRole('button', { name: 'Save credential' }).click();
    await page.getByText('Credential saved').waitFor();
    const row = page.getByRole('row', { name: /Bitbucket bot/ });
    await row.getByText('active').waitFor();
    await row.getByText(`password …${password.slice(-6)}`, { exact: false }).waitFor();
    expect(await domText()).not.toContain(password);
    const stored = (await call('GET', '/api/credentials?connectorId=bitbucket')).body.credentials;
    expect(stored).toEqual([expect.objectContaining({ authenticationType: 'basic', name: 'Bitbucket bot', status: 'active' })]);
  });

  it('connects an OAuth credential, shows the result when the callback lands, and re-authorizes it in place', async () => {
    let upstream;
    ({ provider, upstream } = await startOAuthUpstream(app, 'console-client-secret-2d4f60'));
    await upstream.close();
    expect(
      (
        await call('PUT', '/api/oauth-apps/slack', {
          clientId: 'switchboard',
          clientSecret: 'console-client-secret-2d4f60',
          scopes: ['channels:read'],
          authorizationUrl: provider.endpoints.authorization,
          tokenUrl: provider.endpoints.token,
          issuer: provider.issuer,
        })
      ).status,
    ).toBe(200);
    /** The user's side: the popup the console opened, then the provider's login and consent, then our callback. */
    const authorizeInPopup = async (button: string) => {
      const popup = page.context().waitForEvent('page');
      await page.getByRole('button', { name: button }).click();
      await (await popup).close();
      const link = await page.getByRole('link', { name: 'open it here' }).getAttribute('href');
      const callback = await provider!.authorize(link!);
      expect((await fetch(callback)).status).toBe(200);
    };

    await page.getByRole('button', { name: 'Connect credential' }).click();
    const connect = dialog('Connect credential');
    await connect.getByLabel('Connector').fill('slack');
    await connect.getByRole('button', { name: 'Next' }).click();
    await connect.getByLabel('Authentication').selectOption('oauth2');
    await connect.getByLabel('Name', { exact: true }).fill('Slack via OAuth');
    await authorizeInPopup('Authorize');
    await connect.getByText('Connected: slack is ready to use.').waitFor();
    await browser.screenshot('12-oauth-connected');
    await connect.getByRole('button', { name: 'Close', exact: true }).last().click();
    const row = page.getByRole('row', { name: /Slack via OAuth/ });
    await row.getByText('active').waitFor();
    const [credential] = (await call('GET', '/api/credentials?connectorId=slack')).body.credentials.filter(
      (candidate: { name: string | null }) => candidate.name === 'Slack via OAuth',
    );

    // The provider revoked the grant: the credential needs the user again, with the reason shown.
    await app.database.db
      .updateTable('credentials')
      .set({ status: 'needs_reauth', status_reason: 'invalid_grant: the refresh token was revoked' })
      .where('id', '=', credential.credentialId)
      .execute();
    // Re-authorizing reuses a link still open, so a double click starts one handshake; key credentials and unknown ids are refused.
    const reauthorize = (id: string) => call('POST', `/api/credentials/${id}/reauthorize`);
    const [first, second] = [await reauthorize(credential.credentialId), await reauthorize(credential.credentialId)];
    expect(first.status).toBe(200);
    expect(second.body.authorizationUrl).toBe(first.body.authorizationUrl);
    const [bitbucket] = (await call('GET', '/api/credentials?connectorId=bitbucket')).body.credentials;
    expect(await reauthorize(bitbucket.credentialId)).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    expect((await reauthorize('cred_unknown')).status).toBe(404);
    expect((await call('GET', '/api/credentials/metadata?connectorId=no-such-connector')).status).toBe(404);
    expect((await call('GET', '/api/credentials/metadata')).body.error.code).toBe('INVALID_REQUEST');
    await nav('Runs').click();
    await nav('Credentials').click();
    await row.getByText('needs_reauth').waitFor();
    await row.getByText('invalid_grant: the refresh token was revoked').waitFor();
    await browser.screenshot('13-credential-needs-reauth');
    await authorizeInPopup('Re-authorize Slack via OAuth');
    await dialog('Re-authorize slack').getByText('Connected: slack is ready to use.').waitFor();
    await page.keyboard.press('Escape');
    await row.getByText('active').waitFor();
    const after = (await call('GET', '/api/credentials?connectorId=slack')).body.credentials;
    expect(after.filter((candidate: { name: string | null }) => candidate.name === 'Slack via OAuth')).toEqual([
      expect.objectContaining({ credentialId: credential.credentialId, status: 'active' }),
    ]);
  });

  it('browses the catalogue by category and search, with each action\'s parameters, and sets a rate limit', async () => {
    await nav('Connectors').click();
    await page.getByRole('navigation', { name: 'Connector pages' }).getByRole('link', { name: 'Catalogue', exact: true }).click();
    await page.getByLabel('Category').selectOption('communication');
    await page.getByLabel('Search').fill('slack');
    await page.getByRole('status').getByText('1 connectors').waitFor();
    await browser.screenshot('14-catalogue');
    await page.getByRole('link', { name: 'Slack' }).click();
    await page.getByRole('heading', { level: 1, name: 'Slack' }).waitFor();
    await page.getByLabel('Find an action').fill('chat_postMessage');
    await page.getByText('chat_postMessage', { exact: true }).click();
    await page.getByRole('table', { name: 'Parameters of chat_postMessage' }).getByRole('rowheader', { name: 'channel' }).waitFor();
    await page.getByLabel('Requests per second').fill('7');
    await page.getByLabel('Burst').fill('3');
    await browser.screenshot('15-connector-detail');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved').waitFor();
    expect((await call('GET', '/api/connectors/slack')).body.settings).toMatchObject({ baseUrl: fake.url, enabled: true, rateLimit: { requestsPerSecond: 7, burst: 3 } });
  });

  it('imports an OpenAPI document, edits, disables and deletes the custom connector', async () => {
    const document = [
      'openapi: 3.0.3',
      'info: { title: Console Pets, version: "1.0" }',
      'paths:',
      '  /pets:',
      '    get:',
      '      operationId: listPets',
      '      summary: List pets',
      '      parameters: [{ name: limit, in: query, schema: { type: integer }, description: How many pets }]',
      '      responses: { "200": { description: ok } }',
    ].join('\n');
    await nav('Connectors').click();
    await page.getByRole('link', { name: 'Catalogue', exact: true }).click();
    await page.getByRole('button', { name: 'Import an OpenAPI document' }).click();
    const importing = dialog('Import OpenAPI document');
    await importing.getByLabel('Or paste the document').fill('openapi: [not, a, document');
    await importing.getByRole('button', { name: 'Import' }).click();
    await importing.getByRole('alert').filter({ hasText: /./ }).waitFor();
    await importing.getByLabel('Or paste the document').fill('');
    await importing.getByLabel('File').setInputFiles({ name: 'pets.yaml', mimeType: 'application/yaml', buffer: Buffer.from(document) });
    await importing.getByRole('textbox', { name: /^Id/ }).fill('console-pets');
    await importing.getByRole('textbox', { name: /^Base URL/ }).fill('https://pets.example.com/v1');
    await browser.screenshot('16-import-openapi');
    await importing.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { level: 1, name: 'Console Pets' }).waitFor();
    await page.getByText('Imported Console Pets with 1 actions').waitFor();
    await page.getByText('listPets', { exact: true }).click();
    await page.getByRole('rowheader', { name: 'limit' }).waitFor();

    await page.getByRole('button', { name: 'Edit Console Pets' }).click();
    const edit = dialog('Edit Console Pets');
    const definition = JSON.parse(await edit.getByLabel('Definition (JSON)').inputValue());
    await edit.getByLabel('Definition (JSON)').fill(JSON.stringify({ ...definition, name: 'Console Pets v2' }));
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: 'Console Pets v2' }).waitFor();

    await page.getByLabel('Enabled for this account').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await dialog('Disable connector').getByRole('button', { name: 'Disable' }).click();
    await page.getByText('Settings saved').waitFor();
    await page.getByText('disabled', { exact: true }).waitFor();
    expect((await call('GET', '/api/connectors/console-pets')).body.settings.enabled).toBe(false);

    await page.getByRole('button', { name: 'Delete Console Pets v2' }).click();
    await dialog('Delete connector').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Connector deleted').waitFor();
    await page.getByLabel('Search').waitFor();
    expect((await call('GET', '/api/connectors/console-pets')).status).toBe(404);
  });

  it('registers an OAuth app, showing the callback URL to register and only the secret\'s hint', async () => {
    const secret = 'github-client-secret-77ab41';
    await page.getByRole('navigation', { name: 'Connector pages' }).getByRole('link', { name: 'OAuth apps' }).click();
    await page.getByRole('rowheader', { name: 'slack' }).waitFor();
    await page.getByRole('button', { name: 'Add OAuth app' }).click();
    const form = dialog('Add OAuth app');
    await form.getByLabel('Connector').fill('github');
    await form.getByLabel('Connector').blur();
    await form.getByText(`${app.apiUrl}/oauth/callback`).waitFor();
    await form.getByLabel('Client id').fill('Iv1.console');
    await form.getByLabel(/^Client secret/).fill(secret);
    await form.getByLabel('Scopes').fill('repo read:user');
    await form.getByLabel('Redirect URIs').fill('https://agent.example.com/done');
    await browser.screenshot('17-oauth-app');
    await form.getByRole('button', { name: 'Save OAuth app' }).click();
    const row = page.getByRole('row', { name: /github/ });
    await row.getByText('repo read:user').waitFor();
    await row.getByText(`…${secret.slice(-6)}`).waitFor();
    expect(await domText()).not.toContain(secret);
    expect((await call('GET', '/api/oauth-apps/github')).body).toMatchObject({ clientId: 'Iv1.console', scopes: ['repo', 'read:user'], redirectUris: ['https://agent.example.com/done'] });
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
    await page.goto(`${app.apiUrl}/console/#/servers`);
    // The table is wider than a phone: it scrolls inside its card, whose edge stays on screen.
    await page.getByRole('heading', { level: 1, name: 'Servers' }).waitFor();
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
