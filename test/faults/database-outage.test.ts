import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, toolError } from '../support/mcp.js';

/**
 * Stops the machine's PostgreSQL server (127.0.0.1:5432) for a few seconds under steady traffic.
 * Other test runs share it, so the outage is short and the server is always started again.
 */
const OUTAGE_MS = 4_000;
const version = readdirSync('/etc/postgresql')[0]!;
const pgctl = (action: 'stop' | 'start') =>
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], { stdio: 'pipe' });
const pgReady = () => {
  try {
    execFileSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']);
    return true;
  } catch {
    return false;
  }
};

let app: TestApp;
let accessUrl: string;

beforeAll(async () => {
  app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'warn' } });
  accessUrl = (await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'outage' })).body.accessUrl as string;
});
afterAll(async () => app?.close());

interface Outcome {
  phase: 'before' | 'during' | 'after';
  kind: string;
  status: number;
  code?: string;
  name?: string;
}

describe('PostgreSQL stops and starts mid-run', () => {
  it('answers clean 503s during the outage, resumes after it, and leaves no half-written rows', async () => {
    const outcomes: Outcome[] = [];
    let phase: Outcome['phase'] = 'before';
    let running = true;
    let sequence = 0;

    const once = async () => {
      const name = `outage ${sequence++}`;
      const created = await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name });
      outcomes.push({ phase, kind: 'create server', status: created.status, code: created.body?.error?.code, name });
      const listed = await api(app.apiUrl, app.apiKey, 'GET', '/api/credentials');
      outcomes.push({ phase, kind: 'list credentials', status: listed.status, code: listed.body?.error?.code });
      const call = await fetch(accessUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_credentials', arguments: {} } }),
      });
      const text = await call.text();
      const answer = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? text) as {
        result?: { isError?: boolean };
        error?: { data?: { code: string } };
      };
      // Refused before the protocol layer: a JSON-RPC error whose data is our error body; inside
      // the tool: a result with isError.
      const code = answer.error?.data?.code ?? toolError(answer.result)?.code;
      const status = call.status !== 200 ? call.status : answer.result?.isError ? 503 : 200;
      outcomes.push({ phase, kind: 'mcp', status, ...(code ? { code } : {}) });
    };
    const traffic = (async () => {
      while (running) await once();
    })();

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    try {
      phase = 'during';
      pgctl('stop');
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    } finally {
      pgctl('start');
    }
    const restartedAt = Date.now();
    while (!pgReady()) await new Promise((resolve) => setTimeout(resolve, 100));
    // Requests already waiting on the pool finish as they were, then traffic must succeed again.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    phase = 'after';
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    running = false;
    await traffic;

    const during = outcomes.filter((outcome) => outcome.phase === 'during');
    const failed = during.filter((outcome) => outcome.status !== 200 && outcome.status !== 201);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.filter((outcome) => outcome.status !== 503 || outcome.code !== 'SERVICE_UNAVAILABLE')).toEqual([]);
    const after = outcomes.filter((outcome) => outcome.phase === 'after');
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((outcome) => outcome.status >= 400)).toEqual([]);

    // Every server that exists has its access token: the two rows were written together or not at all.
    const servers = await app.database.db.selectFrom('servers').select(['id', 'name']).execute();
    const tokens = await app.database.db.selectFrom('server_tokens').select('server_id').execute();
    const withToken = new Set(tokens.map((token) => token.server_id));
    expect(servers.filter((server) => !withToken.has(server.id))).toEqual([]);
    // A 201 was committed; a 503 may or may not have been (the answer can be lost after the commit).
    const names = new Set(servers.map((server) => server.name));
    expect(outcomes.filter((outcome) => outcome.status === 201 && !names.has(outcome.name!))).toEqual([]);
    console.log(
      `database outage: ${during.length} requests during ${OUTAGE_MS / 1000} s down, ${failed.length} answered 503 SERVICE_UNAVAILABLE; ` +
        `${after.length} after, all succeeded; server back ${((Date.now() - restartedAt) / 1000).toFixed(1)} s before the end`,
    );
  });
});
