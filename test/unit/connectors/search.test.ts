import { describe, expect, it } from 'vitest';
import { pageOf, searchConnectors, searchWords } from '../../../src/connectors/search.js';
import { listCatalogConnectors } from '../../../src/connectors/sources/catalog.js';

/** The real catalogue, with an account's own custom connector beside it. */
const own = {
  id: 'acme-inventory',
  name: 'Acme Inventory',
  category: 'other',
  description: 'Stock levels of our warehouse.',
  actionCount: 3,
  origin: 'custom',
  actionWords: 'listWidgets List widgets createWidget Create a widget getStockLevel Get a stock level',
};
const rows = [...listCatalogConnectors().map((row) => ({ ...row, origin: 'catalog' })), own];
const top = (query: string, n: number) => searchConnectors(rows, query).slice(0, n).map((row) => row.id);

describe('searchConnectors: one index over connectors and their actions', () => {
  it('splits ids into words and cuts plurals', () => {
    expect(searchWords('listWidgets for the team_members')).toEqual(['list', 'widget', 'team', 'member']);
    expect(searchWords('  the a ')).toEqual([]);
  });

  // [query, the connector expected first, or within the first n]
  const table: Array<[string, string, number?]> = [
    ['widgets', 'acme-inventory'],
    ['list widgets', 'acme-inventory'],
    ['create a widget', 'acme-inventory'],
    ['inventory', 'acme-inventory'],
    ['stock level', 'acme-inventory'],
    ['slack', 'slack'],
    ['github', 'github'],
    ['send a message', 'slack', 10],
    ['invoice', 'stripe', 3],
    ['crm contacts', 'hubspot', 3],
    ['issues', 'jira', 3],
    ['calendar events', 'google-calendar'],
    ['spreadsheet', 'google-sheets'],
    ['pull request', 'github'],
    ['sms', 'apideck-sms', 3],
    ['helpdesk tickets', 'zendesk', 3],
    ['incident', 'pagerduty', 3],
    ['feature flags', 'launchdarkly', 3],
    ['translate text', 'google-translate'],
    ['stripe charge', 'stripe'],
    ['notion page', 'notion'],
    ['kanban board', 'trello', 3],
    ['transactional email', 'sendgrid', 3],
    ['file storage', 'apideck-file-storage', 3],
    ['time off requests', 'bamboohr', 3],
    ['employee directory', 'bamboohr', 3],
    ['publish cms items', 'webflow', 3],
    ['webflow', 'webflow'],
    ['publish an entry', 'contentful', 3],
    ['servicenow incident', 'servicenow'],
    ['funnel retention', 'mixpanel', 3],
    ['segment tracking plans', 'segment'],
  ];
  it.each(table)('"%s" finds %s', (query, expected, within = 1) => {
    expect(top(query, within)).toContain(expected);
  });

  it('own connectors win a tie, and a query with no words returns every row', () => {
    const twin = { ...own, id: 'zz-catalogue-twin', origin: 'catalog' };
    expect(searchConnectors([twin, own], 'widgets').map((row) => row.id)).toEqual(['acme-inventory', 'zz-catalogue-twin']);
    expect(searchConnectors(rows, 'the a')).toHaveLength(rows.length);
    expect(searchConnectors(rows, 'qqqzzzxxy')).toEqual([]);
  });
});

describe('pageOf', () => {
  it('pages and says where the next page starts', () => {
    expect(pageOf([1, 2, 3, 4, 5], 0, 2)).toEqual({ items: [1, 2], nextOffset: 2 });
    expect(pageOf([1, 2, 3, 4, 5], 4, 2)).toEqual({ items: [5] });
    expect(pageOf([], 0, 0)).toEqual({ items: [] });
  });
});
