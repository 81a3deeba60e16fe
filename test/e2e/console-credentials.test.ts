import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.js';
import type { TestBrowser } from '../support/browser.js';
import { signInToConsole, startConsoleSession, type ConsoleSession } from '../support/console.js';
import type { FakeSaas } from '../support/fakeSaas.js';
import { startOAuthUpstream } from '../support/fixtures.js';
import type { OAuthServerHandle } from '../support/oauthServer.js';

/** The console's credentials, catalogue and OAuth app pages in headless Chromium against the real app and the fake SaaS. */
describe('admin console: credentials, catalogue and OAuth apps', () => {
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
  let provider: OAuthServerHandle | undefined;

  beforeAll(async () => {
    open(await startConsoleSession());
    await signInToConsole(session!);
  });
  afterAll(async () => {
    await provider?.close();
    await session?.close();
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

  it('offers each auth variant by name, the default first, and saves the one chosen', async () => {
    await page.getByRole('button', { name: 'Connect credential' }).click();
    const connect = dialog('Connect credential');
    await connect.getByLabel('Connector').fill('adafruit');
    await connect.getByRole('button', { name: 'Next' }).click();
    const choice = connect.getByLabel('Authentication');
    await choice.locator('option', { hasText: 'QueryKey' }).waitFor({ state: 'attached' });
    const labels = await choice.locator('option').allTextContents();
    expect(labels).toEqual([
      'API key · HeaderKey (API key, sent in the header "X-AIO-Key") · default',
      'API key · HeaderSignature (API key, sent in the header "X-AIO-Signature")',
      'API key · QueryKey (API key, sent in the query parameter "X-AIO-Key")',
    ]);
    await choice.selectOption('QueryKey');
    await connect.getByLabel(/^apiKey/).fill('aio-query-key-77f1e0');
    await connect.getByRole('button', { name: 'Save credential' }).click();
    await page.getByText('Credential saved').waitFor();
    await page.getByRole('row', { name: /QueryKey/ }).waitFor();
    const stored = (await call('GET', '/api/credentials?connectorId=adafruit')).body.credentials;
    expect(stored).toEqual([expect.objectContaining({ authenticationType: 'apiKey', variant: 'QueryKey', status: 'active' })]);
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

});
