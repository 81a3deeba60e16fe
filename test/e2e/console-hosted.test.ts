import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { api } from '../support/mcp.js';
import { builtPlugin } from '../support/plugins.js';

/** A stdio MCP server on one line (the form takes one argument a line): answers initialize, lists one tool. */
const ONE_LINE_SERVER =
  "let b='';process.stdin.on('data',(c)=>{b+=c;let i;while((i=b.indexOf('\\n'))>=0){const m=JSON.parse(b.slice(0,i));b=b.slice(i+1);if(m.id===undefined)continue;" +
  "const r=m.method==='initialize'?{protocolVersion:m.params.protocolVersion,capabilities:{tools:{}},serverInfo:{name:'t',version:'1'}}:m.method==='tools/list'?{tools:[{name:'hello',inputSchema:{type:'object'}}]}:{};" +
  "process.stdout.write(JSON.stringify({jsonrpc:'2.0',id:m.id,result:r})+'\\n')}})";

/** Connectors › Plugins and the hosted (stdio) connector form, in headless Chromium against the real app. */
describe('console: plugins and hosted servers', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  const secret = 'console-env-secret-5e6f7a8b9c0d';
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  beforeAll(async () => {
    [app] = await Promise.all([startTestApp(), builtPlugin('example')]);
    browser = await launchBrowser(app.apiUrl);
    page = browser.page;
    page.setDefaultTimeout(15_000);
    await page.goto(`${app.apiUrl}/console`);
    await page.getByLabel('API key').fill(app.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connectors' }).waitFor();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('uploads a plugin with its manifest, uploads a new version, lists its versions and tests one', async () => {
    const { module, manifest } = await builtPlugin('example');
    await page.getByRole('link', { name: 'Plugins' }).click();
    await page.getByText('No plugins').waitFor();
    await page.getByRole('button', { name: 'Upload plugin' }).click();
    await page.getByLabel('Name').fill('Console Items');
    await page.getByLabel('Module (.wasm)').setInputFiles({ name: 'example.wasm', mimeType: 'application/wasm', buffer: Buffer.from(module, 'base64') });
    await page.getByLabel('Manifest (JSON)').fill('{ not json');
    await page.getByRole('dialog').getByRole('button', { name: 'Upload' }).click();
    await page.getByText(/Not JSON/).waitFor();
    await page.getByLabel('Manifest (JSON)').fill(JSON.stringify(manifest));
    await page.getByRole('dialog').getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('rowheader', { name: /Console Items/ }).waitFor();
    expect(await page.getByRole('row', { name: /Console Items/ }).textContent()).toContain('v1');

    await page.getByRole('button', { name: 'Upload a new version of Console Items' }).click();
    expect(JSON.parse(await page.getByLabel('Manifest (JSON)').inputValue())).toMatchObject({ actions: [expect.objectContaining({ id: 'get_item' })] });
    await page.getByLabel('Module (.wasm)').setInputFiles({ name: 'example.wasm', mimeType: 'application/wasm', buffer: Buffer.from(module, 'base64') });
    await page.getByLabel('Manifest (JSON)').fill(JSON.stringify({ ...manifest, allowedHosts: ['items.example.com'] }));
    await page.getByRole('dialog').getByRole('button', { name: 'Upload' }).click();
    await expect.poll(async () => page.getByRole('row', { name: /Console Items/ }).textContent(), { timeout: 15_000 }).toContain('v2');

    await page.getByRole('button', { name: 'Versions of Console Items' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('rowheader', { name: /v2/ }).waitFor();
    expect(await dialog.getByRole('row').count()).toBe(3);
    expect(await dialog.getByRole('row', { name: /v2/ }).textContent()).toContain('items.example.com');
    await dialog.getByRole('button', { name: 'Test version 1' }).click();
    await page.getByText('Loaded version 1 · 1 action').waitFor();

    const { body } = await call('GET', '/api/plugins/plugin-console-items');
    expect(body.versions.map((version: { version: number }) => version.version)).toEqual([2, 1]);
  }, 300_000);

  it('adds a hosted (stdio) server with its command, arguments, a masked environment and the network off, and tests it', async () => {
    expect((await call('PUT', '/api/variables/region', { value: 'eu-west' })).status).toBe(200);
    await page.goto(`${app.apiUrl}/console#/connectors`);
    await page.getByRole('button', { name: 'Add hosted (stdio) server' }).click();
    await page.getByLabel('Name').fill('Console Hosted');
    await page.getByLabel('Command').fill('node');
    await page.getByLabel('Arguments').fill(`-e\n${ONE_LINE_SERVER}`);
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Variable name').last().fill('API_TOKEN');
    await page.getByLabel('Variable value').last().fill(secret);
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Variable name').last().fill('REGION');
    await page.getByLabel('Variable value').last().fill('{{region}}');
    expect(await page.getByLabel('Network access').isChecked()).toBe(false);
    await page.getByRole('dialog').getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('rowheader', { name: /Console Hosted/ }).waitFor();
    expect(await page.getByRole('row', { name: /Console Hosted/ }).textContent()).toContain('Hosted (stdio)');
    expect(await page.content()).not.toContain(secret);

    const { body } = await call('GET', '/api/mcp-connectors/mcp-console-hosted');
    expect(body).toMatchObject({ type: 'stdio', stdio: { command: 'node', args: ['-e', ONE_LINE_SERVER], network: false, env: { REGION: '{{region}}' } } });
    expect(body.stdio.env.API_TOKEN).not.toContain(secret.slice(0, 10));

    await page.getByRole('button', { name: 'Test Console Hosted' }).click();
    await page.getByRole('dialog').getByRole('status').and(page.locator('[aria-busy=false]')).waitFor();
    expect(await page.getByRole('dialog').getByRole('status').textContent()).toMatch(/^Connected · 1 tool/);
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();

    await page.getByRole('button', { name: 'Edit Console Hosted' }).click();
    expect(await page.getByLabel('Command').inputValue()).toBe('node');
    expect(await page.getByRole('dialog').textContent()).toContain('REGION={{region}}');
    expect(await page.getByRole('dialog').textContent()).not.toContain(secret);
    await page.getByLabel('Network access').check();
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await call('GET', '/api/mcp-connectors/mcp-console-hosted')).body.stdio, { timeout: 15_000 }).toMatchObject({ network: true, env: { REGION: '{{region}}' } });
  }, 120_000);
});
