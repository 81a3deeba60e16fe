import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

/** A fault for the next `times` matching requests (or all, when times is omitted). */
interface Fault {
  /** Request path (without query) the fault applies to; any path when omitted. */
  path?: string;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
  /** Respond with a body of this many bytes (a JSON array of filler strings). */
  oversizeBytes?: number;
  times?: number;
}

export interface FakeSaas {
  url: string;
  requests: RecordedRequest[];
  /** The token requests must bear (Authorization: Bearer <token>). */
  token: string;
  /** How many channels conversations.list pages through. */
  channelCount: number;
  /** GitHub issues created, to count side effects. */
  issues: Array<{ owner: string; repo: string; title: string; number: number }>;
  /** Payments taken by POST /charges, which honours Idempotency-Key like Stripe: a repeated key takes none. */
  charges: Array<{ id: string; amount: unknown; idempotencyKey: string | undefined }>;
  /** When set, more than this many requests in any 1000 ms get 429 with Retry-After: 1, like a real API. */
  limitPerSecond: number | undefined;
  /** How many requests the limit above refused. */
  rateLimited: number;
  fail(fault: Fault): void;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A small real HTTP server standing in for Slack and GitHub: the shapes the generated catalogue
 * definitions expect, a bearer-token check, fault switches and a log of every request.
 */
export async function startFakeSaas(options: { token?: string; channelCount?: number } = {}): Promise<FakeSaas> {
  const faults: Fault[] = [];
  const state: FakeSaas = {
    url: '',
    requests: [],
    token: options.token ?? 'xoxb-fake-token-0123456789',
    channelCount: options.channelCount ?? 10,
    issues: [],
    charges: [],
    limitPerSecond: undefined,
    rateLimited: 0,
    fail: (fault) => faults.push({ ...fault }),
    reset() {
      faults.length = 0;
      state.requests.length = 0;
      state.issues.length = 0;
      state.charges.length = 0;
      state.limitPerSecond = undefined;
      state.rateLimited = 0;
      accepted.length = 0;
    },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };

  /** Arrival times of requests the limit let through. */
  const accepted: number[] = [];
  const overLimit = (at: number) => {
    if (state.limitPerSecond === undefined) return false;
    while (accepted.length > 0 && accepted[0]! <= at - 1000) accepted.shift();
    if (accepted.length >= state.limitPerSecond) return true;
    accepted.push(at);
    return false;
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse, body: string, url: URL) {
    const fault = faults.find((candidate) => candidate.path === undefined || candidate.path === url.pathname);
    if (fault) {
      if (fault.times !== undefined && --fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.oversizeBytes) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = `"${'x'.repeat(1022)}",`;
        res.write('[');
        for (let sent = 0; sent < fault.oversizeBytes && !res.destroyed; sent += chunk.length) {
          if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
        }
        res.end('"end"]');
        return;
      }
      if (fault.status) return json(res, fault.status, fault.body ?? { ok: false, error: 'fault' }, fault.headers);
    }
    // A careless API that echoes the request it got (URL, headers, body, basic auth decoded), as many do on errors.
    if (url.pathname === '/echo' || url.pathname === '/echo/fail') {
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      return json(res, url.pathname === '/echo' ? 200 : 400, {
        url: req.url,
        headers: req.headers,
        body,
        ...(basic ? { basicDecoded: Buffer.from(basic, 'base64').toString('utf8') } : {}),
      });
    }
    if (req.headers.authorization !== `Bearer ${state.token}`) {
      return json(res, 401, { ok: false, error: 'invalid_auth' });
    }
    if (req.method === 'POST' && url.pathname === '/chat.postMessage') {
      const payload = JSON.parse(body || '{}') as { channel?: string; text?: string };
      if (!payload.channel) return json(res, 200, { ok: false, error: 'channel_not_found' });
      return json(res, 200, { ok: true, channel: payload.channel, ts: `${Date.now() / 1000}`, message: { text: payload.text } });
    }
    if (req.method === 'GET' && url.pathname === '/conversations.list') {
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 1000), 1000);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const end = Math.min(start + limit, state.channelCount);
      const channels = Array.from({ length: end - start }, (_, i) => ({
        id: `C${String(start + i).padStart(6, '0')}`,
        name: `channel-${start + i}`,
        is_private: false,
        is_archived: false,
        is_member: true,
        num_members: 3,
        topic: { value: 'topic', creator: 'U1', last_set: 0 },
        purpose: { value: 'purpose', creator: 'U1', last_set: 0 },
        created: 1_700_000_000,
      }));
      return json(res, 200, { ok: true, channels, response_metadata: { next_cursor: end < state.channelCount ? String(end) : '' } });
    }
    if (req.method === 'POST' && url.pathname === '/charges') {
      const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
      const replayed = key === undefined ? undefined : state.charges.find((charge) => charge.idempotencyKey === key);
      if (replayed) return json(res, 200, replayed, { 'idempotent-replayed': 'true' });
      const charge = { id: `ch_${state.charges.length + 1}`, amount: (JSON.parse(body || '{}') as { amount?: unknown }).amount, idempotencyKey: key };
      state.charges.push(charge);
      return json(res, 201, charge);
    }
    const issue = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(url.pathname);
    if (req.method === 'POST' && issue) {
      const payload = JSON.parse(body || '{}') as { title?: string };
      if (!payload.title) return json(res, 422, { message: 'Validation Failed', errors: [{ field: 'title', code: 'missing_field' }] });
      const created = { owner: decodeURIComponent(issue[1]!), repo: decodeURIComponent(issue[2]!), title: payload.title, number: state.issues.length + 1 };
      state.issues.push(created);
      return json(res, 201, { id: 1000 + created.number, number: created.number, title: created.title, state: 'open' });
    }
    return json(res, 404, { message: 'Not Found' });
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = Buffer.concat(chunks).toString('utf8');
      state.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        at: Date.now(),
      });
      if (overLimit(state.requests.at(-1)!.at)) {
        state.rateLimited++;
        return json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
      }
      handle(req, res, body, url).catch((error: unknown) => json(res, 500, { error: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
