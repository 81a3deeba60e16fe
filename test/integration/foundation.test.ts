import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findActiveApiKey } from '../../src/db/repositories/accounts.js';
import { startTestApp, type TestApp } from '../support/app.js';

describe('foundation: the app on a real Temporal dev server and Postgres', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it('answers /healthz and reports every part ready on /readyz', async () => {
    expect(await (await fetch(`${app.apiUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.apiUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { database: 'ready', temporal: 'ready', worker: 'ready' },
    });
  });

  it('creates the bootstrap account with the configured key, stored hashed', async () => {
    const key = await findActiveApiKey(app.database.db, app.apiKey);
    expect(key?.account.id).toMatch(/^acct_/);
    const rows = await app.database.db.selectFrom('api_keys').select(['key_hash', 'key_hint']).execute();
    expect(rows.some((row) => row.key_hash.includes(app.apiKey))).toBe(false);
    expect(rows.map((row) => row.key_hint)).toContain(app.apiKey.slice(-6));
  });

  it('answers unknown routes in the documented error format', async () => {
    const response = await fetch(`${app.apiUrl}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No route for GET /nope', details: {} },
    });
  });
});
