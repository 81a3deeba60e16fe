import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetentionActivities } from '../../src/activities/retention.js';
import { retentionSweepWorkflowId } from '../../src/starters/retentionSweep.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas } from '../support/fakeSaas.js';
import { api, connectMcp } from '../support/mcp.js';
import { temporalOAuthFlows } from '../../src/starters/oauth.js';

/**
 * The audit log through the real path: every non-GET route of GET /api/openapi.json, called by an
 * admin key, leaves one entry naming the action, the caller and the status it answered; secrets
 * sent in bodies never reach the table; GET /api/audit filters and pages; the table refuses edits.
 */
let app: TestApp;
type Entry = { id: string; at: string; action: string; actor: { userId: string; role: string; keyId?: string }; target: Record<string, unknown>; before: unknown; after: unknown; status: number; clientAddress: string | null };

const audit = async (query: string, key = app.apiKey) => api(app.apiUrl, key, 'GET', `/api/audit?${query}`);

beforeAll(async () => {
  app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
});

afterAll(() => app?.close());

describe('every management change', () => {
  it('writes an entry for each non-GET route of the OpenAPI document', async () => {
    const document = (await (await fetch(`${app.apiUrl}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { 'x-switchboard-role'?: string }>>;
    };
    const changes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method, operation]) => method !== 'get' && operation['x-switchboard-role'] !== 'public')
        .map(([method]) => ({ method: method.toUpperCase(), path })),
    );
    expect(changes.length).toBeGreaterThan(15);
    for (const { method, path } of changes) {
      const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => `missing-${name.toLowerCase()}`);
      const response = await api(app.apiUrl, app.apiKey, method, concrete, method === 'DELETE' ? undefined : {});
      const action = `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      const { body } = await audit(`action=${encodeURIComponent(action)}&limit=1`);
      const [entry] = body.entries as Entry[];
      expect(entry?.action, action).toBe(action);
      expect(entry!.status, action).toBe(response.status);
      expect(entry!.actor).toMatchObject({ userId: 'default', role: 'admin' });
      expect(entry!.actor.keyId).toMatch(/^key_/);
      expect(entry!.clientAddress).toMatch(/127\.0\.0\.1/);
      for (const value of Object.values(entry!.target)) expect(String(value)).toMatch(/^missing-|./);
    }
  });

  it('records a successful change with its target, before and after, secrets masked by name and by value', async () => {
    const secret = 'cs_live_0123456789abcdefSECRET';
    const first = await api(app.apiUrl, app.apiKey, 'PUT', '/api/oauth-apps/slack', { clientId: 'client-1', clientSecret: secret, redirectUris: [] });
    expect(first.status).toBe(200);
    const second = await api(app.apiUrl, app.apiKey, 'PUT', '/api/oauth-apps/slack', {
      clientId: `client-2-${secret}-next`,
      clientSecret: `${secret}-next`,
      redirectUris: [],
    });
    expect(second.status).toBe(200);
    const variable = await api(app.apiUrl, app.apiKey, 'PUT', '/api/variables/SLACK_TOKEN', { value: 'xoxb-variable-secret-42' });
    expect(variable.status).toBe(200);

    const { body } = await audit(`action=${encodeURIComponent('PUT /api/oauth-apps/:connectorId')}&target=slack`);
    const [latest, earlier] = body.entries as Entry[];
    expect(earlier!.before).toBeNull();
    expect(earlier!.after).toMatchObject({ clientId: 'client-1', clientSecret: '[masked]' });
    expect(latest!.target).toEqual({ connectorId: 'slack' });
    expect(latest!.before).toMatchObject({ connectorId: 'slack', clientId: 'client-1', clientSecretHint: '[masked]' });
    // The new secret is masked by its name, and cut out of another field by its value.
    expect(latest!.after).toMatchObject({ clientId: 'client-2-[redacted]', clientSecret: '[masked]' });

    const rows = await sql<{ row: string }>`select row_to_json(audit_log)::text as row from audit_log`.execute(app.database.db);
    const stored = rows.rows.map(({ row }) => row).join('\n');
    expect(stored).not.toContain('0123456789abcdef');
    expect(stored).not.toContain('xoxb-variable-secret-42');
    expect(app.logs.text()).not.toContain('0123456789abcdef');
  });

  it('records a key creation with the id it made, and the key never', async () => {
    const created = await api(app.apiUrl, app.apiKey, 'POST', '/api/keys', { name: 'ci', role: 'operator' });
    expect(created.status).toBe(201);
    const { body } = await audit(`target=${created.body.id}`);
    expect(body.entries).toHaveLength(1);
    expect(body.entries[0]).toMatchObject({ action: 'POST /api/keys', target: { id: created.body.id }, after: { name: 'ci', role: 'operator' }, status: 201 });
    const rows = await sql<{ row: string }>`select row_to_json(audit_log)::text as row from audit_log`.execute(app.database.db);
    expect(rows.rows.map(({ row }) => row).join('\n')).not.toContain(created.body.key.slice(3));

    expect((await api(app.apiUrl, app.apiKey, 'DELETE', `/api/keys/${created.body.id}`)).status).toBe(200);
    const [revoked] = (await audit(`action=DELETE&target=${created.body.id}`)).body.entries as Entry[];
    expect(revoked!.before).toMatchObject({ id: created.body.id, name: 'ci', role: 'operator', keyHint: '[masked]', revokedAt: null });
  });

  it("records what a settings change replaced", async () => {
    await api(app.apiUrl, app.apiKey, 'PUT', '/api/connectors/github/settings', { baseUrl: 'http://127.0.0.1:1/first' });
    await api(app.apiUrl, app.apiKey, 'PUT', '/api/connectors/github/settings', { baseUrl: 'http://127.0.0.1:1/second' });
    const [latest] = (await audit(`action=${encodeURIComponent('PUT /api/connectors/:id/settings')}&target=github`)).body.entries as Entry[];
    expect(latest!.before).toMatchObject({ baseUrl: 'http://127.0.0.1:1/first' });
    expect(latest!.after).toMatchObject({ baseUrl: 'http://127.0.0.1:1/second' });
  });
});

describe('GET /api/audit', () => {
  let operatorKey: string;
  let userKey: string;

  beforeAll(async () => {
    operatorKey = (await api(app.apiUrl, app.apiKey, 'POST', '/api/keys', { name: 'ops', userId: 'ops-1', role: 'operator' })).body.key;
    userKey = (await api(app.apiUrl, app.apiKey, 'POST', '/api/keys', { name: 'alice', userId: 'alice', role: 'user' })).body.key;
    // alice changes her own things: two credential deletions (404s still count as attempts).
    await api(app.apiUrl, userKey, 'DELETE', '/api/credentials/cred-a');
    await api(app.apiUrl, userKey, 'DELETE', '/api/credentials/cred-b');
    await api(app.apiUrl, operatorKey, 'POST', '/api/runs/run-x/cancel');
  });

  it('filters by actor, action, target and time, newest first, and pages', async () => {
    const byAlice = (await audit('actor=alice')).body.entries as Entry[];
    expect(byAlice.map((entry) => entry.target['id'])).toEqual(['cred-b', 'cred-a']);
    expect(byAlice.every((entry) => entry.actor.userId === 'alice' && entry.actor.role === 'user')).toBe(true);

    const cancels = (await audit(`action=${encodeURIComponent('POST /api/runs/')}`)).body.entries as Entry[];
    expect(cancels.map((entry) => entry.actor.userId)).toContain('ops-1');
    expect((await audit('target=cred-a')).body.entries).toHaveLength(1);

    const all = (await audit('limit=200')).body.entries as Entry[];
    const middle = all[Math.floor(all.length / 2)]!;
    const since = (await audit(`since=${encodeURIComponent(middle.at)}&limit=200`)).body.entries as Entry[];
    const until = (await audit(`until=${encodeURIComponent(middle.at)}&limit=200`)).body.entries as Entry[];
    expect(since.every((entry) => entry.at >= middle.at)).toBe(true);
    expect(until.every((entry) => entry.at < middle.at)).toBe(true);
    expect(since.length + until.length).toBe(all.length);
    expect((await audit(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.entries).toEqual([]);

    const pages: Entry[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit(`limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.entries.length).toBeLessThanOrEqual(7);
      pages.push(...page.body.entries);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages.map((entry) => entry.id)).toEqual(all.map((entry) => entry.id));
  });

  it('shows a user only its own entries', async () => {
    const own = (await audit('limit=200', userKey)).body.entries as Entry[];
    expect(own.length).toBeGreaterThanOrEqual(2);
    expect(own.every((entry) => entry.actor.userId === 'alice')).toBe(true);
    const other = await audit('actor=default', userKey);
    expect(other.status).toBe(403);
    const operatorView = (await audit('actor=alice', operatorKey)).body.entries as Entry[];
    expect(operatorView.length).toBe(own.length);
  });

  it('refuses bad filters with INVALID_REQUEST', async () => {
    const response = await audit('since=yesterday&limit=0');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
  });
});

describe('credentials', () => {
  it('records creation through MCP, one use per run (not per Idempotency-Key retry), and revocation', async () => {
    const fake = await startFakeSaas();
    try {
      expect((await api(app.apiUrl, app.apiKey, 'PUT', '/api/connectors/slack/settings', { baseUrl: fake.url })).status).toBe(200);
      const server = (await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'audited' })).body;
      const client = await connectMcp(server.accessUrl);
      try {
        const created = await client.callTool({ name: 'create_credential', arguments: { connectorId: 'slack', authenticationType: 'bearer', fields: { token: fake.token } } });
        expect(created.isError).toBeFalsy();
        const credentialId = (created.structuredContent as { credentialId: string }).credentialId;
        const [creation] = (await audit(`action=credential.create&target=${credentialId}`)).body.entries as Entry[];
        expect(creation).toMatchObject({ target: { connectorId: 'slack', credentialId }, after: { fields: '[masked]' }, status: 201, actor: { role: 'user' } });

        const called = await client.callTool({ name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'hi' } } });
        expect(called.isError).toBeFalsy();
        const viaMcp = (await audit(`action=credential.use&target=${server.serverId}`)).body.entries as Entry[];
        expect(viaMcp).toHaveLength(1);
        expect(viaMcp[0]!.after).toEqual({ actionIds: ['chat_postMessage'] });
        // Not pinned: the entry names the credential the front door found for the user.
        expect(viaMcp[0]!.target).toMatchObject({ connectorId: 'slack', credentialId });

        const plan = { connectorId: 'slack', steps: [{ actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'planned' } }] };
        const planned = await client.callTool({ name: 'execute_plan', arguments: { plan, credentialId } });
        expect(planned.isError).toBeFalsy();
        const uses = (await audit(`action=credential.use&target=${server.serverId}`)).body.entries as Entry[];
        expect(uses[0]).toMatchObject({ target: { connectorId: 'slack', credentialId }, after: { actionIds: ['chat_postMessage'] } });

        const run = { kind: 'action', connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'once' } };
        const first = await api(app.apiUrl, app.apiKey, 'POST', '/api/runs', run, { 'idempotency-key': 'audit-1' });
        const again = await api(app.apiUrl, app.apiKey, 'POST', '/api/runs', run, { 'idempotency-key': 'audit-1' });
        expect(again.body.runId).toBe(first.body.runId);
        expect((await audit(`action=credential.use&target=${first.body.runId}`)).body.entries).toHaveLength(1);
        expect((await audit(`action=${encodeURIComponent('POST /api/runs')}&target=${first.body.runId}`)).body.entries).toHaveLength(2);

        expect((await api(app.apiUrl, app.apiKey, 'DELETE', `/api/credentials/${credentialId}`)).status).toBe(200);
        const [revocation] = (await audit(`action=DELETE&target=${credentialId}`)).body.entries as Entry[];
        expect(revocation).toMatchObject({ action: 'DELETE /api/credentials/:id', status: 200 });
      } finally {
        await client.close();
      }
    } finally {
      await fake.close();
    }
  });
});

describe('retention', () => {
  it('keeps the table append-only and prunes entries older than AUDIT_RETENTION_DAYS, and expired sign-in state', async () => {
    await expect(sql`update audit_log set action = 'rewritten'`.execute(app.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(app.database.db)).rejects.toThrow(/append-only/);

    await sql`insert into audit_log (at, account_id, actor_user_id, actor_role, actor_via, action, target, status)
              values (now() - interval '400 days', 'acct_old', 'old', 'admin', 'apiKey', 'DELETE /api/keys/:keyId', '{}', 200)`.execute(app.database.db);
    const before = await sql<{ count: string }>`select count(*) from audit_log`.execute(app.database.db);
    const { pruneAuditLog, pruneExpiredSignins } = createRetentionActivities({ config: app.config, db: app.database.db, secretBox: app.secretBox, logger: app.logger, temporal: app.temporal, oauthFlows: temporalOAuthFlows({ db: app.database.db, temporal: app.temporal, config: app.config }) });
    expect(await pruneAuditLog()).toEqual({ deleted: 1, more: false });
    // The same daily sweep drops sign-in codes, tokens and sessions past their expiry.
    await sql`insert into signin_store (model, id_hash, payload_sealed, expires_at) values
              ('AccessToken', 'old', 'x', now() - interval '1 minute'), ('AccessToken', 'live', 'x', now() + interval '1 hour')`.execute(app.database.db);
    expect(await pruneExpiredSignins()).toEqual({ deleted: 1, more: false });
    const after = await sql<{ count: string }>`select count(*) from audit_log`.execute(app.database.db);
    expect(Number(after.rows[0]!.count)).toBe(Number(before.rows[0]!.count) - 1);

    const retention = await app.temporal.client.workflow.getHandle(retentionSweepWorkflowId(app.temporal.taskQueue)).describe();
    expect(retention.status.name).toBe('RUNNING');
  });
});
