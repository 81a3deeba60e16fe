import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp, executeAction, ToolCallError } from '../support/mcp.js';

/**
 * A stdio MCP server written here, in plain Node (newline-delimited JSON-RPC on stdin/stdout, no
 * SDK, so nothing needs to be visible inside the sandbox but /usr/bin/node). Its tools report what
 * the sandbox lets it see.
 */
const SERVER = String.raw`
const fs = require('node:fs');
const startedAs = Math.random().toString(36).slice(2);
const tools = [
  { name: 'probe', description: 'What this process can see', inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }, annotations: { readOnlyHint: true } },
  { name: 'hang', description: 'Never answers', inputSchema: { type: 'object', properties: {} } },
  { name: 'hog', description: 'Allocates until stopped', inputSchema: { type: 'object', properties: {} } },
  { name: 'connect', description: 'Opens a TCP connection', inputSchema: { type: 'object', properties: { host: { type: 'string' }, port: { type: 'number' } } }, annotations: { readOnlyHint: true } },
  { name: 'bomb', description: 'Starts a fork bomb, reports, then exits', inputSchema: { type: 'object', properties: { marker: { type: 'string' } } } },
];
function reply(id, seen) { answer(id, { content: [{ type: 'text', text: JSON.stringify(seen) }], structuredContent: seen }); }
function attempt(work) { try { return work(); } catch (error) { return 'refused: ' + error.code; } }
function answer(id, result) { process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id, result }) + '\n'); }
let buffer = '';
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let newline;
  while ((newline = buffer.indexOf('\n')) >= 0) {
    const message = JSON.parse(buffer.slice(0, newline));
    buffer = buffer.slice(newline + 1);
    if (message.id === undefined) continue;
    if (message.method === 'initialize') answer(message.id, { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'probe', version: '1' } });
    else if (message.method === 'tools/list') answer(message.id, { tools });
    else if (message.method === 'tools/call' && message.params.name === 'probe') {
      const seen = {
        startedAs,
        uid: process.getuid(),
        env: Object.keys(process.env).sort(),
        token: process.env.API_TOKEN,
        dataDir: attempt(() => fs.readdirSync(message.params.arguments.path)),
        home: attempt(() => { fs.writeFileSync(process.env.HOME + '/scratch', 'ok'); return fs.readFileSync(process.env.HOME + '/scratch', 'utf8'); }),
        usr: attempt(() => { fs.writeFileSync('/usr/evil', 'x'); return 'written'; }),
        processes: fs.readdirSync('/proc').filter((name) => /^[0-9]+$/.test(name)).length,
      };
      answer(message.id, { content: [{ type: 'text', text: JSON.stringify(seen) }], structuredContent: seen });
    } else if (message.method === 'tools/call' && message.params.name === 'hog') {
      const kept = []; for (;;) kept.push(Buffer.alloc(1 << 20, 1));
    } else if (message.method === 'tools/call' && message.params.name === 'connect') {
      const { host, port } = message.params.arguments;
      const interfaces = Object.keys(require('node:os').networkInterfaces()).sort();
      const socket = require('node:net').connect({ host, port, timeout: 3000 });
      const done = (outcome) => { socket.destroy(); reply(message.id, { outcome, interfaces }); };
      socket.on('connect', () => done('connected')).on('timeout', () => done('timeout')).on('error', (error) => done(error.code));
    } else if (message.method === 'tools/call' && message.params.name === 'bomb') {
      const { spawn } = require('node:child_process');
      spawn('/bin/sh', ['-c', 'b() { b | b & }; b', message.params.arguments.marker], { stdio: 'ignore' }).on('error', () => {});
      setTimeout(() => {
        // Then one of its own: sleeping children until a fork fails.
        let started = 0;
        let failed;
        while (started < 1000 && !failed) {
          const child = spawn('/bin/sleep', ['10'], { stdio: 'ignore' });
          if (child.pid === undefined) failed = child; else started += 1;
        }
        const processes = fs.readdirSync('/proc').filter((name) => /^[0-9]+$/.test(name)).length;
        const report = (spawnError) => {
          reply(message.id, { started, processes, spawnError });
          // Its end ends the sandbox's PID namespace, the bombs with it.
          setTimeout(() => process.exit(0), 100);
        };
        if (failed) failed.on('error', (error) => report(error.code)); else report(null);
      }, 1000);
    } else if (message.method === 'tools/call') { /* hang: never answers */ }
    else answer(message.id, {});
  }
});
`;

/** The host pids of processes whose command line holds `marker` and starts with `program` (the sandboxed node). */
async function pidsWith(marker: string, program = 'node\0'): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith(program) && cmdline.includes(marker)) pids.push(Number(name));
  }
  return pids;
}

/** A port on 127.0.0.1 where PostgreSQL listens on this machine (CI starts it). */
const POSTGRES_PORT = 5432;
/** The host's loopback as slirp4netns would map it (its gateway), were host loopback not disabled. */
const SLIRP_GATEWAY = '10.0.2.2';

describe('hosted stdio MCP servers', () => {
  let app: TestApp;
  let client: Client;
  let dataDir: string;
  const marker = `hosted-test-${Math.random().toString(36).slice(2)}`;
  const token = 'hosted-token-4f9a2c7e1b3d5a6f';
  const leakedFromWorker = 'worker-env-secret-8c1d3e5f7a9b';
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-hosted-'));
    await writeFile(join(dataDir, 'switchboard-secret.txt'), 'do not read');
    process.env.HOSTED_TEST_WORKER_SECRET = leakedFromWorker;
    app = await startTestApp({ env: { DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '1000', UPSTREAM_TOTAL_TIMEOUT_MS: '4000', HOSTED_MCP_MEMORY_MB: '256', HOSTED_MCP_MAX_TASKS: '64' } });
    const server = await call('POST', '/api/servers', { name: 'hosted agent' });
    client = await connectMcp(server.body.accessUrl);
    expect((await call('PUT', '/api/variables/probeToken', { value: token })).status).toBe(200);
    const created = await call('POST', '/api/mcp-connectors', {
      name: 'Probe',
      type: 'stdio',
      command: 'node',
      args: ['-e', SERVER, marker],
      env: { API_TOKEN: '{{probeToken}}', MODE: 'test' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ connectorId: 'mcp-probe', type: 'stdio', url: null, stdio: { command: 'node', env: { API_TOKEN: '{{probeToken}}' }, network: false } });
    expect((await call('POST', `/api/servers/${server.body.serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);
  });
  afterAll(async () => {
    delete process.env.HOSTED_TEST_WORKER_SECRET;
    await client?.close();
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a stdio connector without a command, and stdio fields on a remote one', async () => {
    const missing = await call('POST', '/api/mcp-connectors', { name: 'No command', type: 'stdio' });
    expect([missing.status, missing.body.error.code]).toEqual([400, 'INVALID_REQUEST']);
    const mixed = await call('POST', '/api/mcp-connectors', { name: 'Mixed', url: 'http://127.0.0.1:1/mcp', command: 'node' });
    expect(mixed.status).toBe(400);
  });

  it('lists its tools through the sandbox when tested', async () => {
    const tested = await call('POST', '/api/mcp-connectors/test', { connectorId: 'mcp-probe' });
    expect(tested.body).toEqual({ ok: true, message: 'Connected · 5 tools', toolsets: [{ name: 'Probe', count: 5, tools: ['probe', 'hang', 'hog', 'connect', 'bomb'] }] });
  });

  it('runs a tool durably in the sandbox: no DATA_DIR, none of the worker environment, a private home, a read-only system', async () => {
    const result = await executeAction(client, { connectorId: 'mcp-probe', actionId: 'probe', parameters: { path: dataDir } });
    expect(result.workflowId).toEqual(expect.any(String));
    const seen = result.data;
    expect(seen.dataDir).toBe('refused: ENOENT');
    expect(seen.env).toEqual(['API_TOKEN', 'HOME', 'MODE', 'PATH', 'PWD']);
    expect(JSON.stringify(seen)).not.toContain(leakedFromWorker);
    // The variable reached the process, and its value is redacted from what comes back.
    expect(seen.token).not.toContain(token);
    expect(seen.token).toBe('[redacted]');
    expect(seen.home).toBe('ok');
    expect(seen.usr).toMatch(/^refused: E(ROFS|ACCES|PERM)$/);
    expect(seen.uid).toBe(65534);
    expect(seen.processes).toBeLessThanOrEqual(3);
  });

  it('starts the process again after kill -9, and the call through MCP still answers', async () => {
    const before = (await executeAction(client, { connectorId: 'mcp-probe', actionId: 'probe', parameters: { path: '/' } })).data.startedAs;
    const pids = await pidsWith(marker);
    expect(pids.length).toBe(1);
    process.kill(pids[0]!, 'SIGKILL');
    const after = (await executeAction(client, { connectorId: 'mcp-probe', actionId: 'probe', parameters: { path: '/' } })).data.startedAs;
    expect(after).not.toBe(before);
    expect(await pidsWith(marker)).toHaveLength(1);
  });

  it('stops a hung process with a coded error (not retried: the tool may have acted), and the next call gets a fresh one', async () => {
    const hung = await executeAction(client, { connectorId: 'mcp-probe', actionId: 'hang' }).catch((error: unknown) => error);
    expect(hung).toBeInstanceOf(ToolCallError);
    expect(hung).toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringMatching(/Hosted MCP server "Probe" did not answer within 4 s and was stopped/) });
    const again = await executeAction(client, { connectorId: 'mcp-probe', actionId: 'probe', parameters: { path: '/' } });
    expect(again.data.uid).toBe(65534);
  });

  it('a memory hog dies at its limit with a coded error naming what it said; not retried, since the tool may act', async () => {
    const hog = await executeAction(client, { connectorId: 'mcp-probe', actionId: 'hog' }).catch((error: unknown) => error);
    expect(hog).toBeInstanceOf(ToolCallError);
    expect(hog).toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringMatching(/Hosted MCP server "Probe" exited during the call; its last output: .*(heap out of memory|Allocation failed)/s) });
    expect((hog as ToolCallError).details).toMatchObject({ reason: 'exited', phase: 'call' });
  });

  it('refuses the network unless the deployment allows it', async () => {
    const created = await call('POST', '/api/mcp-connectors', { name: 'Networked', type: 'stdio', command: 'node', args: ['-e', SERVER], network: true });
    expect(created.status).toBe(201);
    const tested = await call('POST', '/api/mcp-connectors/test', { connectorId: created.body.id });
    expect(tested.body).toMatchObject({ ok: false, code: 'FORBIDDEN', error: expect.stringMatching(/HOSTED_MCP_ALLOW_NETWORK/) });
  });

  it('has no network without network: true, not even the host loopback (its own loopback only)', async () => {
    const apiPort = Number(new URL(app.apiUrl).port);
    const local = await executeAction(client, { connectorId: 'mcp-probe', actionId: 'connect', parameters: { host: '127.0.0.1', port: apiPort } });
    expect(local.data).toEqual({ outcome: 'ECONNREFUSED', interfaces: ['lo'] });
    const out = await executeAction(client, { connectorId: 'mcp-probe', actionId: 'connect', parameters: { host: SLIRP_GATEWAY, port: POSTGRES_PORT } });
    expect(out.data.outcome).toBe('ENETUNREACH');
  });

  it('stops a fork bomb at the sandbox process limit (RLIMIT_NPROC inside its user namespace); the bomb ends with the process', async () => {
    const bomber = `bomb-${marker}`;
    const result = await executeAction(client, { connectorId: 'mcp-probe', actionId: 'bomb', parameters: { marker: bomber } });
    // HOSTED_MCP_MAX_TASKS=64 counts threads too: node's own take some of them.
    expect(result.data).toMatchObject({ spawnError: 'EAGAIN', started: expect.any(Number) });
    expect(result.data.started).toBeLessThan(64);
    expect(result.data.processes).toBeLessThanOrEqual(64);
    await expect.poll(() => pidsWith(bomber, '/bin/sh\0'), { timeout: 10_000 }).toEqual([]);
    const again = await executeAction(client, { connectorId: 'mcp-probe', actionId: 'probe', parameters: { path: '/' } });
    expect(again.data.uid).toBe(65534);
  });
});

describe('hosted stdio MCP servers with the network (HOSTED_MCP_ALLOW_NETWORK=true)', () => {
  let app: TestApp;
  let client: Client;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '1000', HOSTED_MCP_ALLOW_NETWORK: 'true' } });
    const server = await call('POST', '/api/servers', { name: 'networked agent' });
    client = await connectMcp(server.body.accessUrl);
    const created = await call('POST', '/api/mcp-connectors', { name: 'Net probe', type: 'stdio', command: 'node', args: ['-e', SERVER], network: true });
    expect(created.status).toBe(201);
    expect((await call('POST', `/api/servers/${server.body.serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  it("gets a network namespace of its own behind slirp4netns, which cannot reach the host's loopback: not Switchboard's API, not PostgreSQL", async () => {
    const apiPort = Number(new URL(app.apiUrl).port);
    const connect = async (host: string, port: number) =>
      (await executeAction(client, { connectorId: 'mcp-net-probe', actionId: 'connect', parameters: { host, port } })).data as { outcome: string; interfaces: string[] };
    const api = await connect('127.0.0.1', apiPort);
    expect(api).toEqual({ outcome: 'ECONNREFUSED', interfaces: ['lo', 'tap0'] });
    expect((await connect('127.0.0.1', POSTGRES_PORT)).outcome).toBe('ECONNREFUSED');
    // slirp4netns's gateway would be the host's loopback without --disable-host-loopback.
    expect(['ECONNREFUSED', 'ENETUNREACH']).toContain((await connect(SLIRP_GATEWAY, apiPort)).outcome);
    expect(['ECONNREFUSED', 'ENETUNREACH']).toContain((await connect(SLIRP_GATEWAY, POSTGRES_PORT)).outcome);
  });

  it("is refused the host's other addresses, the private network and cloud metadata by its namespace's egress filter", async () => {
    const connect = async (host: string, port: number) =>
      ((await executeAction(client, { connectorId: 'mcp-net-probe', actionId: 'connect', parameters: { host, port } })).data as { outcome: string }).outcome;
    // A service of the host's bound to every address: slirp4netns would connect to it from the host.
    const listener = createServer((socket) => socket.end()).listen(0, '0.0.0.0');
    await once(listener, 'listening');
    try {
      const port = (listener.address() as AddressInfo).port;
      const hostAddress = Object.values(networkInterfaces())
        .flatMap((addresses) => addresses ?? [])
        .find((address) => address.family === 'IPv4' && !address.internal)?.address;
      if (hostAddress) expect(await connect(hostAddress, port)).toBe('ECONNREFUSED');
      // Without the filter these would time out here (nothing answers): refused means the rule acted.
      expect(await connect('169.254.169.254', 80)).toBe('ECONNREFUSED');
      expect(await connect('10.20.30.40', 443)).toBe('ECONNREFUSED');
    } finally {
      listener.close();
    }
  });
});
