import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '../../src/errors.js';
import { allTools } from '../../src/api/mcp/tools/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { forgedJwt, hostileBody, hostileIds, int, jsonValue, pick, seededRandom, type Random } from '../support/fuzz.js';
import { api, toolError } from '../support/mcp.js';
import { startMcpRegistry, type McpRegistryServer } from '../support/mcpRegistry.js';

/**
 * Hostile input against the real app: generated malformed REST bodies and MCP JSON-RPC messages,
 * bad and forged credentials, hostile ids. Every answer must be < 500 and in the documented format.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_121);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const CONCURRENCY = 24;
const OVERSIZE = 11 * 1024 * 1024;

interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  mcp: boolean;
}

interface Operation {
  method: string;
  path: string;
}

let app: TestApp;
let operations: Operation[];
let accessUrl: string;
let serverId: string;
let accountId: string;
/** An empty MCP registry on 127.0.0.1, so the registry routes answer without the internet. */
let registry: McpRegistryServer;

beforeAll(async () => {
  registry = await startMcpRegistry([]);
  app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'warn', MCP_REGISTRY_URL: registry.url } });
  accountId = (await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
  const document = (await (await fetch(`${app.apiUrl}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
  );
  const server = await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'fuzz target' });
  accessUrl = new URL(server.body.accessUrl as string).pathname;
  serverId = server.body.serverId as string;
});
afterAll(async () => {
  await app?.close();
  await registry?.close();
});

function restAuth(random: Random): Record<string, string> {
  switch (int(random, 8)) {
    case 0:
      return {};
    case 1:
      return { authorization: pick(random, ['Bearer sk_forged_0000000000000000000000000', 'Basic Zm9vOmJhcg==', 'Bearer', 'bearer  x y']) };
    case 2:
      return { 'x-user-token': forgedJwt(random, accountId) };
    case 3:
      return { authorization: `Bearer ${app.apiKey}`, 'x-user-id': pick(random, ['../admin', "' OR 1=1", 'a'.repeat(500), 'ok-user']) };
    default:
      return { authorization: `Bearer ${app.apiKey}` };
  }
}

function fillPath(random: Random, path: string): string {
  return path.replace(/\{[^}]+\}/g, () => {
    const id = pick(random, hostileIds);
    return random() < 0.5 ? encodeURIComponent(id) : id;
  });
}

function restCase(random: Random): Case {
  const operation = pick(random, operations);
  const query = random() < 0.3 ? `?${pick(random, ['limit', 'category', 'cursor', 'status', 'id'])}=${encodeURIComponent(pick(random, hostileIds))}` : '';
  const method = random() < 0.05 ? pick(random, ['PATCH', 'OPTIONS', 'PROPFIND', 'PURGE', 'PUT']) : operation.method;
  const withBody = method === 'GET' ? false : method !== 'DELETE' || random() < 0.1;
  return {
    method,
    path: fillPath(random, operation.path) + query,
    headers: {
      ...restAuth(random),
      ...(withBody ? { 'content-type': pick(random, ['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded']) } : {}),
    },
    ...(withBody ? { body: hostileBody(random, () => jsonValue(random)) } : {}),
    mcp: false,
  };
}

const toolNames = allTools.map((tool) => tool.name);
const methods = ['initialize', 'tools/list', 'tools/call', 'ping', 'resources/list', 'prompts/get', 'notifications/initialized', 'tasks/get', 'logging/setLevel', '', 'x'.repeat(2000)];

function jsonRpcMessage(random: Random): unknown {
  const method = pick(random, methods);
  const params =
    method === 'tools/call' && random() < 0.8
      ? {
          name: random() < 0.9 ? pick(random, toolNames) : jsonValue(random),
          arguments: random() < 0.5 ? { connectorId: pick(random, ['slack', 'github', ...hostileIds]), actionId: pick(random, hostileIds), parameters: jsonValue(random), goal: jsonValue(random) } : jsonValue(random),
        }
      : method === 'initialize' && random() < 0.5
        ? { protocolVersion: pick(random, ['2025-11-25', '1999-01-01', 42]), capabilities: jsonValue(random), clientInfo: jsonValue(random) }
        : jsonValue(random);
  const message: Record<string, unknown> = {
    jsonrpc: random() < 0.9 ? '2.0' : jsonValue(random),
    method: random() < 0.95 ? method : jsonValue(random),
    params,
  };
  if (random() < 0.9) message.id = pick(random, [1, 'abc', null, { nested: 1 }, 1.5, -1, 'x'.repeat(10_000), [1]]);
  return message;
}

function mcpPath(random: Random): { path: string; headers: Record<string, string> } {
  switch (int(random, 10)) {
    case 0:
      return { path: `/mcp/${encodeURIComponent(pick(random, hostileIds))}/${encodeURIComponent(pick(random, hostileIds))}`, headers: {} };
    case 1:
      return { path: `/mcp/${serverId}/mcp_${'f'.repeat(40)}`, headers: {} };
    case 2:
      return { path: '/mcp', headers: { 'x-mcp-server-id': pick(random, [...hostileIds.slice(0, 12), serverId]), authorization: `Bearer ${app.apiKey}` } };
    case 3:
      return { path: `/mcp/${serverId}`, headers: random() < 0.5 ? { authorization: `Bearer ${app.apiKey}` } : {} };
    case 4:
      return { path: accessUrl, headers: { 'x-user-token': forgedJwt(random, accountId), 'x-user-id': pick(random, hostileIds.slice(0, 10)) } };
    default:
      return { path: accessUrl, headers: {} };
  }
}

function mcpCase(random: Random): Case {
  const target = mcpPath(random);
  const batch = random() < 0.1;
  return {
    method: random() < 0.95 ? 'POST' : 'DELETE',
    path: target.path,
    headers: {
      'content-type': random() < 0.9 ? 'application/json' : pick(random, ['text/plain', 'application/xml', '']),
      accept: random() < 0.85 ? 'application/json, text/event-stream' : pick(random, ['application/json', 'text/html', '*/*']),
      ...target.headers,
    },
    body: hostileBody(random, () => (batch ? Array.from({ length: int(random, 4) }, () => jsonRpcMessage(random)) : jsonRpcMessage(random))),
    mcp: true,
  };
}

/** What a documented REST error body looks like. */
function isErrorBody(body: unknown): boolean {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  return (
    !!error &&
    (errorCodes as readonly unknown[]).includes(error.code) &&
    typeof error.message === 'string' &&
    typeof error.details === 'object' &&
    error.details !== null
  );
}

/** A JSON-RPC response: a result (tool errors carry our error body as their text) or an error object. */
function isJsonRpcAnswer(message: unknown): boolean {
  const m = message as { jsonrpc?: unknown; result?: { isError?: boolean }; error?: { code?: unknown; message?: unknown } };
  if (m?.jsonrpc !== '2.0') return false;
  if (m.error) return typeof m.error.code === 'number' && typeof m.error.message === 'string';
  if (!m.result) return false;
  return !m.result.isError || isErrorBody({ error: toolError(m.result) });
}

function mcpMessages(text: string, contentType: string): unknown[] {
  if (contentType.includes('text/event-stream')) {
    return text
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => JSON.parse(line.slice(5)) as unknown);
  }
  const parsed = JSON.parse(text) as unknown;
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** Why an answer breaks the contract, or undefined when it keeps it. */
async function problemWith(request: Case, response: Response): Promise<string | undefined> {
  const text = await response.text();
  if (response.status >= 500) return `status ${response.status}: ${text.slice(0, 300)}`;
  // Refused by the HTTP parser before routing (headers over 16 KB), so in the REST format everywhere.
  const beforeRouting = response.status === 431;
  // The OAuth callback is a page for the user's browser: it answers in HTML by design.
  if (request.method === 'GET' && request.path.startsWith('/oauth/callback') && !beforeRouting) {
    return response.headers.get('content-type')?.startsWith('text/html') ? undefined : `callback answered ${text.slice(0, 100)}`;
  }
  // `/mcp/../x` is normalized by the client to `/x`: what answers is where the request landed.
  if (new URL(response.url).pathname.startsWith('/mcp') && !beforeRouting) {
    // A stateless server has no session to end: DELETE succeeds with nothing to say.
    if ((response.status === 202 || (response.status === 200 && request.method === 'DELETE')) && text === '') return undefined;
    try {
      const messages = mcpMessages(text, response.headers.get('content-type') ?? '');
      const bad = messages.find((message) => !isJsonRpcAnswer(message));
      return messages.length === 0 || bad ? `not a JSON-RPC answer (${response.status}): ${text.slice(0, 300)}` : undefined;
    } catch {
      return `unparseable MCP answer (${response.status}): ${text.slice(0, 300)}`;
    }
  }
  if (response.status < 400) return undefined;
  try {
    return isErrorBody(JSON.parse(text)) ? undefined : `not the error format (${response.status}): ${text.slice(0, 300)}`;
  } catch {
    return `unparseable error body (${response.status}): ${text.slice(0, 300)}`;
  }
}

/**
 * Sends 11 MB with a Content-Length or chunked, and resolves with the answer as soon as it comes:
 * the server answers before reading it all and closes, so the rest of the upload may fail.
 */
function postOversize(path: string, headers: Record<string, string>, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${app.apiUrl}${path}`, {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(OVERSIZE) }) },
    });
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('error', () => undefined);
    const chunk = Buffer.alloc(1 << 20, 0x20);
    let sent = 0;
    const write = () => {
      while (sent < OVERSIZE && !request.destroyed) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', write);
      }
      request.end();
    };
    write();
  });
}

async function send(request: Case): Promise<Response> {
  return fetch(`${app.apiUrl}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
    signal: AbortSignal.timeout(60_000),
  });
}

describe(`fuzz (seed ${SEED})`, () => {
  it(`answers ${COUNT} malformed REST and MCP requests with no 5xx and only documented error formats`, async () => {
    const random = seededRandom(SEED);
    const cases = Array.from({ length: COUNT }, (_, index) => ({ index, request: random() < 0.5 ? restCase(random) : mcpCase(random) }));
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) {
          const { index, request } = cases[next++]!;
          try {
            const response = await send(request);
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            const problem = await problemWith(request, response);
            if (problem) problems.push(`#${index} ${request.method} ${request.path.slice(0, 120)}: ${problem}`);
          } catch (error) {
            problems.push(`#${index} ${request.method} ${request.path.slice(0, 120)}: ${(error as Error).message}`);
          }
        }
      }),
    );
    console.log(`fuzz seed ${SEED}: ${COUNT} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(problems.slice(0, 20)).toEqual([]);
    expect((await fetch(`${app.apiUrl}/readyz`)).status).toBe(200);
  });

  it('refuses bodies over 10 MB with PAYLOAD_TOO_LARGE, declared or streamed, on REST and MCP', async () => {
    const targets: Array<{ path: string; headers: Record<string, string>; mcp: boolean }> = [
      { path: '/api/servers', headers: { authorization: `Bearer ${app.apiKey}` }, mcp: false },
      { path: accessUrl, headers: { accept: 'application/json, text/event-stream' }, mcp: true },
    ];
    for (const target of targets) {
      for (const chunked of [false, true]) {
        const { status, body } = await postOversize(target.path, target.headers, chunked);
        expect(status).toBe(413);
        const answer = JSON.parse(body) as { error: { data?: unknown } };
        expect(isErrorBody(target.mcp ? { error: answer.error.data } : answer)).toBe(true);
      }
    }
  });
});
