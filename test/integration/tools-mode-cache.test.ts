import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedOffer } from '../../src/api/mcp/toolsModeCache.js';
import type { ToolContext } from '../../src/api/mcp/tool.js';
import type { ServerRow } from '../../src/db/tables/servers.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp } from '../support/mcp.js';

/**
 * A tools-mode server's tool list is kept per process under the fingerprint of what it is built
 * from (src/api/mcp/toolsModeCache.ts). A change written to the database by another process,
 * which this process hears nothing of, is seen on the next list. The changes here are written
 * straight to the database, as another process's would arrive.
 */
describe('tools mode: the per-process tools/list cache', () => {
  let app: TestApp;
  let serverId: string;
  let accessUrl: string;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  const db = () => app.database.db;
  const listed = async () => {
    const client = await connectMcp(accessUrl);
    try {
      return (await client.listTools()).tools.map((tool) => tool.name).sort();
    } finally {
      await client.close();
    }
  };

  const serverRow = async () => (await db().selectFrom('servers').selectAll().where('id', '=', serverId).executeTakeFirstOrThrow()) as ServerRow;

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    const created = await call('POST', '/api/servers', {
      name: 'cached tools',
      mode: 'tools',
      restrictions: { actions: { mode: 'allowlist', ids: ['slack:chat_postMessage', 'github:issues_list'] } },
    });
    [serverId, accessUrl] = [created.body.serverId, created.body.accessUrl];
    expect((await call('POST', `/api/servers/${serverId}/connectors`, { connectorId: 'slack' })).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('sees an assignment and a restriction written by another process on the next list', async () => {
    expect(await listed()).toEqual(['slack_chat_postMessage']);
    expect(await listed()).toEqual(['slack_chat_postMessage']);

    await db().insertInto('server_connector_assignments').values({ server_id: serverId, kind: 'connector', target_id: 'github', mcp_connector_id: null }).execute();
    expect(await listed()).toEqual(['github_issues_list', 'slack_chat_postMessage']);

    const stored = (await serverRow()).restrictions;
    const restrictions = JSON.stringify({ ...stored, actions: { ...stored.actions, ids: ['slack:chat_postMessage', 'github:issues_create'] } });
    await sql`update servers set restrictions = ${restrictions}::jsonb where id = ${serverId}`.execute(db());
    expect(await listed()).toEqual(['github_issues_create', 'slack_chat_postMessage']);

    // A connector switched off in its settings (connector_settings.version moves) leaves the list.
    await db().insertInto('connector_settings').values({ account_id: (await serverRow()).account_id, connector_id: 'github', enabled: false, base_url_variables: '{}' } as never).execute();
    expect(await listed()).toEqual(['slack_chat_postMessage']);
  });

  it('builds a list once while nothing it is built from changes, and again after a change', async () => {
    const server = await serverRow();
    const context = { deps: { db: db() }, auth: { accountId: server.account_id, userId: server.owner_user_id, role: 'owner', via: 'apiKey', serverId }, server } as unknown as ToolContext;
    let builds = 0;
    const build = async () => ({ complete: true, build: ++builds });
    expect(await cachedOffer(context, build)).toEqual({ complete: true, build: 1 });
    expect(await cachedOffer(context, build)).toEqual({ complete: true, build: 1 });

    await db().deleteFrom('server_connector_assignments').where('server_id', '=', serverId).where('target_id', '=', 'github').execute();
    expect(await cachedOffer(context, build)).toEqual({ complete: true, build: 2 });

    // A list that left a remote server out (it could not be reached) is not kept: another caller's, built twice.
    const other = { ...context, auth: { ...context.auth, userId: 'another-user' } } as ToolContext;
    const incomplete = async () => ({ complete: false, build: ++builds });
    expect(await cachedOffer(other, incomplete)).toEqual({ complete: false, build: 3 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cachedOffer(other, incomplete)).toEqual({ complete: false, build: 4 });
  });
});
