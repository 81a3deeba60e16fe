import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogDirectory, getCatalogConnector, hasCatalogConnector, listCatalogConnectors } from '../../../../src/connectors/sources/catalog.js';
import { validateActionParameters } from '../../../../src/connectors/parameters.js';
import { connectorDefinitionSchema, type ConnectorDefinition } from '../../../../src/connectors/schema.js';

const connectorsDir = new URL('./connectors/', catalogDirectory);

const MUST_HAVE = [
  'slack', 'github', 'hubspot', 'google-calendar', 'gmail', 'google-drive', 'notion', 'stripe', 'jira', 'asana',
  'trello', 'zendesk', 'twilio', 'sendgrid', 'mailchimp', 'dropbox', 'box', 'airtable', 'salesforce', 'microsoft-graph',
];

async function mustGet(id: string): Promise<ConnectorDefinition> {
  const def = await getCatalogConnector(id);
  if (!def) throw new Error(`missing connector ${id}`);
  return def;
}

describe('generated catalogue files', () => {
  const files = fs.readdirSync(connectorsDir).filter((f) => f.endsWith('.json')).sort();

  it('has at least 600 connectors with a credential path, one file per index row', () => {
    const index = listCatalogConnectors();
    expect(index.filter((row) => row.authTypes.some((type) => type !== 'none')).length).toBeGreaterThanOrEqual(600);
    expect(files.length).toBe(index.length);
    expect(files).toEqual(index.map((s) => `${s.id}.json`).sort());
  });

  it('every file validates against the schema and matches its summary', () => {
    const byId = new Map(listCatalogConnectors().map((s) => [s.id, s]));
    for (const file of files) {
      const parsed = connectorDefinitionSchema.safeParse(JSON.parse(fs.readFileSync(new URL(file, connectorsDir), 'utf8')));
      if (!parsed.success) throw new Error(`${file}: ${parsed.error.message}`);
      const def = parsed.data;
      expect(`${def.id}.json`).toBe(file);
      const summary = byId.get(def.id);
      expect(summary?.actionCount).toBe(def.actions.length);
      expect(summary?.resourceCount).toBe(def.resources.length);
      expect(def.actions.length).toBeGreaterThan(0);
    }
  });

  it('contains the must-have connectors', () => {
    for (const id of MUST_HAVE) expect(hasCatalogConnector(id), id).toBe(true);
  });
});

describe('slack', () => {
  it('chat_postMessage', async () => {
    const slack = await mustGet('slack');
    const a = slack.actions.find((x) => x.id === 'chat_postMessage');
    expect(a).toMatchObject({ method: 'POST', path: '/chat.postMessage', idempotent: false });
    const params = new Map(a?.parameters.map((p) => [p.name, p]));
    expect(params.get('channel')).toMatchObject({ in: 'body', required: true });
    for (const name of ['text', 'blocks', 'thread_ts']) expect(params.has(name), name).toBe(true);
    expect(params.has('token')).toBe(false);
  });

  it('conversations_list paginates by cursor', async () => {
    const slack = await mustGet('slack');
    const a = slack.actions.find((x) => x.id === 'conversations_list');
    expect(a).toMatchObject({ method: 'GET', path: '/conversations.list' });
    expect(a?.pagination).toMatchObject({ style: 'cursor', cursorParam: 'cursor', cursorPath: 'response_metadata.next_cursor', limitParam: 'limit' });
    expect(a?.response.itemsPath).toBe('channels');
    const names = a?.parameters.map((p) => p.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(['cursor', 'limit', 'types']));
  });

  it('users_list and search_messages', async () => {
    const slack = await mustGet('slack');
    const users = slack.actions.find((x) => x.id === 'users_list');
    expect(users).toMatchObject({ method: 'GET', path: '/users.list', response: { itemsPath: 'members' } });
    const search = slack.actions.find((x) => x.id === 'search_messages');
    expect(search).toMatchObject({ method: 'GET', path: '/search.messages' });
    expect(search?.parameters.find((p) => p.name === 'query')).toMatchObject({ in: 'query', required: true });
  });

  it('has OAuth v2 URLs', async () => {
    const slack = await mustGet('slack');
    expect(slack.authMethods.find((m) => m.type === 'oauth2')).toMatchObject({
      authorizationUrl: 'https://slack.com/oauth/v2/authorize',
      tokenUrl: 'https://slack.com/api/oauth.v2.access',
    });
  });
});

describe('github', () => {
  it('issues_create with owner/repo path params', async () => {
    const gh = await mustGet('github');
    const a = gh.actions.find((x) => x.id === 'issues_create');
    expect(a).toMatchObject({ method: 'POST', path: '/repos/{owner}/{repo}/issues' });
    for (const name of ['owner', 'repo']) {
      expect(a?.parameters.find((p) => p.name === name)).toMatchObject({ in: 'path', required: true });
    }
    expect(a?.parameters.find((p) => p.name === 'title')).toMatchObject({ in: 'body', required: true });
    expect(gh.actions.some((x) => x.id === 'repos_list_for_authenticated_user')).toBe(true);
    expect(gh.actions.length).toBeLessThanOrEqual(250);
  });

  it('has OAuth URLs', async () => {
    const gh = await mustGet('github');
    expect(gh.authMethods.find((m) => m.type === 'oauth2')).toMatchObject({
      authorizationUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'https://github.com/login/oauth/access_token',
    });
  });
});

describe('google', () => {
  it.each(['gmail', 'google-calendar', 'google-drive'])('%s has Google OAuth URLs and scopes', async (id) => {
    const def = await mustGet(id);
    const oauth = def.authMethods.find((m) => m.type === 'oauth2');
    expect(oauth).toMatchObject({
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
    });
    if (oauth?.type === 'oauth2') {
      expect(oauth.scopes.length).toBeGreaterThan(0);
      expect(oauth.availableScopes?.length ?? 0).toBeGreaterThan(0);
    }
  });
});

describe('hand-written GraphQL connectors', () => {
  it.each([
    ['linear', 'issue_create'],
    ['monday', 'item_create'],
  ])('%s/%s sends its own GraphQL document unless told otherwise', async (id, actionId) => {
    const def = await mustGet(id);
    const a = def.actions.find((x) => x.id === actionId);
    if (!a) throw new Error(`missing ${id}/${actionId}`);
    const params = validateActionParameters(id, a, { variables: { input: {} } });
    expect(params.query).toMatch(/^mutation /);
    expect(validateActionParameters(id, a, { variables: {}, query: 'query { viewer { id } }' }).query).toBe('query { viewer { id } }');
  });
});

describe('loader', () => {
  it('returns undefined for unknown and traversal ids', async () => {
    for (const id of ['nope-not-here', '../x', '../../package', 'slack/../github', '', '.', 'SLACK', 'slack.json', '%2e%2e']) {
      await expect(getCatalogConnector(id)).resolves.toBeUndefined();
    }
  });

  it('caches definitions', async () => {
    const a = await getCatalogConnector('notion');
    const b = await getCatalogConnector('notion');
    expect(a).toBeDefined();
    expect(a).toBe(b);
  });

  it('filters by category', () => {
    const all = listCatalogConnectors();
    const crm = listCatalogConnectors({ category: 'crm' });
    expect(crm.length).toBeGreaterThan(0);
    expect(crm.length).toBeLessThan(all.length);
    expect(crm.every((c) => c.category === 'crm')).toBe(true);
    expect(crm.map((c) => c.id)).toEqual(expect.arrayContaining(['hubspot', 'salesforce']));
    expect(listCatalogConnectors({ category: 'no-such-category' })).toEqual([]);
  });

  it('reads the index and each definition once, then serves them from memory', async () => {
    // Caching, not speed: speed is the bench's (npm run bench, catalogue reads).
    const first = await getCatalogConnector('github');
    expect(await getCatalogConnector('github')).toBe(first);
    const [listedOnce, listedAgain] = [listCatalogConnectors(), listCatalogConnectors()];
    expect(listedAgain).not.toBe(listedOnce);
    expect(listedAgain.every((row, i) => row === listedOnce[i])).toBe(true);
    expect(Object.isFrozen(listedOnce[0])).toBe(true);
  });
});
