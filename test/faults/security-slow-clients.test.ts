import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { paymentsConnector } from '../support/faults.js';
import { api, connectMcp } from '../support/mcp.js';

/**
 * Issue 25, finding 4: a client that sends `Content-Length: 100000` and then one byte every 10 s
 * (or its headers that slowly) held its socket open for ever, with no credentials. With the
 * default time-outs each is cut, while an MCP answer that legitimately takes longer than the
 * request time-out (a tool call on a slow upstream, the GET stream) runs to its end.
 */
const DRIP_INTERVAL_MS = 10_000;
/** The attack's bytes go out at 0, 10, 20, 30 s…: cut within 30 s means at most three were sent. */
const BYTES_SENT_WITHIN_30_S = 3;
const UPSTREAM_DELAY_MS = 25_000;

let app: TestApp;
let fake: FakeSaas;

beforeAll(async () => {
  // The default time-outs: nothing under HTTP_* is set here.
  [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  expect((await call('POST', '/api/connectors', paymentsConnector(fake.url))).status).toBe(201);
  expect((await call('POST', '/api/credentials', { connectorId: 'acme-pay', authenticationType: 'bearer', fields: { token: fake.token } })).status).toBe(201);
});

afterAll(async () => {
  await fake?.close();
  await app?.close();
});

interface Drip {
  /** Bytes written after the opening part. */
  dripped: number;
  answer: string;
  closedBy: 'server' | 'test';
}

/** Sends `opening` at once, then `rest` one byte every DRIP_INTERVAL_MS, until the server closes the socket. */
function drip(opening: string, rest: string): Promise<Drip> {
  const { port } = new URL(app.apiUrl);
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(port), '127.0.0.1');
    let dripped = 0;
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const next = () => {
      if (dripped >= rest.length) return;
      socket.write(rest[dripped]!);
      dripped += 1;
      timer = setTimeout(next, DRIP_INTERVAL_MS);
    };
    // Long after the bound: the attack has won if the socket is still open then.
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ dripped, answer, closedBy: 'test' });
    }, 60_000);
    socket.on('connect', () => {
      if (opening) socket.write(opening);
      next();
    });
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      clearTimeout(giveUp);
      resolve({ dripped, answer, closedBy: 'server' });
    });
  });
}

const host = () => new URL(app.apiUrl).host;
const slowBody = (path: string, type: string) => drip(`POST ${path} HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: ${type}\r\nContent-Length: 100000\r\n\r\n`, 'x'.repeat(100));

function expectCut(result: Drip) {
  expect(result.closedBy).toBe('server');
  expect(result.dripped).toBeLessThanOrEqual(BYTES_SENT_WITHIN_30_S);
}

/** Headers that never completed: the documented error body, before the connection closes. */
function expectTimedOutHeaders(result: Drip) {
  expectCut(result);
  expect(result.answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  expect(JSON.parse(result.answer.slice(result.answer.indexOf('\r\n\r\n') + 4))).toEqual({
    error: { code: 'INVALID_REQUEST', message: 'The request did not arrive in time', details: {} },
  });
}

describe('slow clients', () => {
  it('the defaults cut a client within 30 s: headers, then the whole request, checked every second', () => {
    const { http } = loadConfig({});
    expect(http.headersTimeoutMs).toBeLessThanOrEqual(http.requestTimeoutMs);
    expect(http.requestTimeoutMs + 1_000).toBeLessThan(30_000);
  });

  it('cuts a body sent a byte every 10 s on /oauth2/token and /oauth2/register, and headers sent so on GET /healthz, while long MCP answers run to their end', async () => {
    const accessUrl = (await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'slow clients' })).body.accessUrl as string;
    fake.fail({ path: '/charges', delayMs: UPSTREAM_DELAY_MS });
    const agent = await connectMcp(accessUrl);
    // A tool call whose answer takes longer than the request time-out: the request itself arrived at once.
    const slowCall = agent.callTool({ name: 'execute_action', arguments: { connectorId: 'acme-pay', actionId: 'create_charge', parameters: { amount: 1 } } }, undefined, {
      timeout: 120_000,
    });
    // The GET stream stays open with nothing to say.
    const stream = await fetch(accessUrl, { headers: { accept: 'text/event-stream', 'mcp-protocol-version': '2025-11-25' } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    let streamEnded = false;
    void reader.read().then(({ done }) => (streamEnded = done), () => (streamEnded = true));

    const [token, register, health, silent] = await Promise.all([
      slowBody('/oauth2/token', 'application/x-www-form-urlencoded'),
      slowBody('/oauth2/register', 'application/json'),
      drip('', `GET /healthz HTTP/1.1\r\nHost: ${host()}\r\n\r\n`),
      // Connects and says nothing at all.
      drip('', ''),
    ]);
    expectCut(token);
    expectCut(register);
    expectTimedOutHeaders(health);
    expectTimedOutHeaders(silent);

    const result = await slowCall;
    expect(result.isError).toBeFalsy();
    expect(fake.charges).toHaveLength(1);
    expect(streamEnded).toBe(false);
    await reader.cancel();
    await agent.close();
    expect(app.logs.lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50)).toEqual([]);
  }, 120_000);
});
