import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { signInToConsole, startConsoleSession, type ConsoleSession } from '../support/console.js';
import { connectMcp } from '../support/mcp.js';

const WIDTHS = [375, 1440] as const;

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Where an element is on screen, and the visible part of what clips it sideways (its scrolling or hiding ancestors, and the viewport). */
async function placement(locator: Locator): Promise<{ box: Box; visible: Box }> {
  // Runs in the page; typed loosely because this file is type-checked without the DOM library.
  return locator.evaluate((element: any) => {
    const page = globalThis as any;
    const rect = (r: Box) => ({ left: r.left, right: r.right, top: r.top, bottom: r.bottom });
    const visible = { left: 0, top: 0, right: page.innerWidth as number, bottom: Number.POSITIVE_INFINITY };
    for (let node = element.parentElement; node; node = node.parentElement) {
      const style = page.getComputedStyle(node);
      if (style.overflowX !== 'visible') {
        const r = node.getBoundingClientRect();
        visible.left = Math.max(visible.left, r.left);
        visible.right = Math.min(visible.right, r.right);
      }
    }
    return { box: rect(element.getBoundingClientRect()), visible };
  });
}

/** The whole element shows, sideways: nothing it sits in cuts it off, and the page needs no sideways scroll. */
async function expectWhollyShown(page: Page, locator: Locator, what: string) {
  const { box, visible } = await placement(locator);
  expect({ what, left: box.left >= visible.left - 0.5, right: box.right <= visible.right + 0.5 }, JSON.stringify({ box, visible })).toEqual({ what, left: true, right: true });
  expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBe(0);
}

/**
 * The console fixes of the first-hour issue, each shown at 375 and 1440 px, with the screenshots
 * in test-results/console (first-hour-*.png): the servers' row actions and the access dialog's
 * snippets fit, the rate hint names the connector's own rate, a short key's hint says it is set,
 * a server's creation names it in the audit trail, and a call without a credential records no use.
 */
describe('admin console: what a first hour runs into', () => {
  let session: ConsoleSession;
  let page: Page;

  beforeAll(async () => {
    session = await startConsoleSession();
    page = session.page;
    await signInToConsole(session);
  });
  afterAll(async () => {
    await session?.close();
  });
  const shot = (name: string, of?: Locator) => session.browser.screenshot(`first-hour-${name}`, of);

  it('shows every server row action in full, at 375 and 1440 px', async () => {
    for (const [name, description] of [
      ['Support agent', 'Answers tickets from the help desk with read access to Zendesk and Slack'],
      ['Release bot', ''],
    ] as const) {
      const restrictions = { connectors: { mode: 'allowlist', ids: ['slack', 'github', 'zendesk'] }, actions: { mode: 'blocklist', ids: ['github:issues_create'] } };
      expect((await session.call('POST', '/api/servers', { name, description, restrictions })).status).toBe(201);
    }
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
      await page.goto(`${session.app.apiUrl}/console/#/servers`);
      await page.getByRole('heading', { level: 1, name: 'Servers' }).waitFor();
      await page.getByRole('button', { name: 'Delete Support agent' }).waitFor();
      await shot(`${width}-servers`);
      for (const server of ['Support agent', 'Release bot']) {
        for (const action of ['Delete', 'Rotate token of', 'Edit']) {
          await expectWhollyShown(page, page.getByRole('button', { name: `${action} ${server}` }), `${width} px: ${action} ${server}`);
        }
      }
    }
  });

  it("keeps the access dialog's snippets inside their boxes, at 375 and 1440 px", async () => {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
      await page.goto(`${session.app.apiUrl}/console/#/servers`);
      await page.getByRole('button', { name: 'Create server' }).click();
      const form = session.dialog('Create Server');
      await form.getByRole('textbox', { name: 'Name', exact: true }).fill(`Snippet check ${width}`);
      await form.getByRole('button', { name: 'Create', exact: true }).click();
      const created = session.dialog('Server created');
      await created.getByRole('heading', { name: 'Claude Code command' }).waitFor();
      await shot(`${width}-access-dialog`);
      const snippets = created.locator('pre');
      expect(await snippets.count()).toBe(3);
      for (let index = 0; index < 3; index++) {
        const snippet = snippets.nth(index);
        // Wrapped, not scrolled or cut: the whole command is readable where it is.
        expect(await snippet.evaluate((element: any) => element.scrollWidth - element.clientWidth)).toBe(0);
        await expectWhollyShown(page, snippet, `${width} px: snippet ${index + 1}`);
      }
      await created.getByRole('button', { name: 'Done' }).click();
    }
  });

  it('saves a restriction naming an unknown connector, and says it matches nothing', async () => {
    await page.goto(`${session.app.apiUrl}/console/#/servers`);
    await page.getByRole('button', { name: 'Create server' }).click();
    const form = session.dialog('Create Server');
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Typo agent');
    await form.getByLabel('Connectors: mode').selectOption('allowlist');
    await form.getByLabel('Connectors: ids').fill('slack, slak');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await session.dialog('Server created').getByRole('button', { name: 'Done' }).click();
    await page.getByText('restrictions.connectors: "slak" names no connector of this account', { exact: false }).waitFor();
    await shot('1440-restriction-warning');
  });

  it("names the connector's own rate in the hint when the account has set its own", async () => {
    const own = (await session.call('GET', '/api/connectors/slack')).body.rateLimit.requestsPerSecond as number;
    expect((await session.call('PUT', '/api/connectors/slack/settings', { rateLimit: { requestsPerSecond: own / 2 } })).status).toBe(200);
    const detail = (await session.call('GET', '/api/connectors/slack')).body;
    expect(detail).toMatchObject({ rateLimit: { requestsPerSecond: own / 2 }, ownRateLimit: { requestsPerSecond: own } });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
      await page.goto(`${session.app.apiUrl}/console/#/connectors/catalogue/slack`);
      await page.getByRole('heading', { level: 1, name: 'Slack' }).waitFor();
      const rate = page.getByLabel('Requests per second');
      expect(await rate.inputValue()).toBe(String(own / 2));
      await page.getByText(`This account's limit. Empty: the connector's own ${own}/s`).waitFor();
      await shot(`${width}-connector-rate`, page.locator('section.card').filter({ has: page.getByRole('heading', { name: 'Settings for this account' }) }));
    }
    expect((await session.call('PUT', '/api/connectors/slack/settings', { rateLimit: null })).status).toBe(200);
  });

  it("says a short key is set instead of showing a bare '…'", async () => {
    const connector = {
      id: 'acme-keyed',
      name: 'Acme Keyed',
      baseUrl: session.fake.url,
      authMethods: [{ type: 'apiKey', in: 'header', name: 'X-Api-Key' }],
      resources: [{ id: 'things', name: 'Things' }],
      actions: [{ id: 'list_things', resource: 'things', title: 'List things', description: 'Lists things', method: 'GET', path: '/things', parameters: [], response: {} }],
    };
    expect((await session.call('POST', '/api/connectors', connector)).status).toBe(201);
    const credential = await session.call('POST', '/api/credentials', { connectorId: 'acme-keyed', authenticationType: 'apiKey', fields: { apiKey: 'k-123456789' } });
    expect(credential.status).toBe(201);
    expect(credential.body.hints).toEqual({ apiKey: '…' });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
      await page.goto(`${session.app.apiUrl}/console/#/credentials`);
      await page.getByRole('heading', { level: 1, name: 'Credentials' }).waitFor();
      const row = page.getByRole('row', { name: /acme-keyed/ });
      await row.getByText('apiKey: set (too short to hint)').waitFor();
      // A long secret keeps its last six characters.
      await page.getByRole('row', { name: /slack/ }).getByText(`token …${session.fake.token.slice(-6)}`).waitFor();
      await shot(`${width}-credentials`);
    }
  });

  it("names the server a creation made in the audit trail, and records no credential use for a call that used none", async () => {
    const created = (await session.call('POST', '/api/servers', { name: 'Audited agent' })).body;
    const keyless = {
      id: 'acme-open',
      name: 'Acme Open',
      baseUrl: session.fake.url,
      authMethods: [{ type: 'none' }],
      resources: [{ id: 'things', name: 'Things' }],
      actions: [{ id: 'echo', resource: 'things', title: 'Echo', description: 'Echoes the request', method: 'GET', path: '/echo', parameters: [], response: {} }],
    };
    expect((await session.call('POST', '/api/connectors', keyless)).status).toBe(201);
    const client = await connectMcp(created.accessUrl);
    try {
      const open = await client.callTool({ name: 'execute_action', arguments: { connectorId: 'acme-open', actionId: 'echo', parameters: {} } });
      expect(open.isError, JSON.stringify(open.content)).toBeFalsy();
      const keyed = await client.callTool({ name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'conversations_list', parameters: {} } });
      expect(keyed.isError, JSON.stringify(keyed.content)).toBeFalsy();
    } finally {
      await client.close();
    }
    const uses = (await session.call('GET', `/api/audit?action=credential.use&target=${created.serverId}`)).body.entries as Array<{ target: Record<string, string> }>;
    const slackCredential = (await session.call('GET', '/api/credentials')).body.credentials.find((credential: { connectorId: string }) => credential.connectorId === 'slack');
    expect(uses.map((entry) => entry.target)).toEqual([{ connectorId: 'slack', credentialId: slackCredential.credentialId, serverId: created.serverId }]);

    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
      await page.goto(`${session.app.apiUrl}/console/#/audit`);
      await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();
      const creation = page.getByRole('row', { name: /POST \/api\/servers/ }).filter({ hasText: created.serverId });
      await creation.first().waitFor();
      expect(await page.getByRole('row', { name: /POST \/api\/servers/ }).filter({ hasText: '—' }).count()).toBe(0);
      await shot(`${width}-audit`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
