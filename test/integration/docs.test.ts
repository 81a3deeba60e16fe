import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createAccount, createApiKey } from '../../src/db/repositories/accounts.js';
import { errorCodes } from '../../src/errors.js';
import { ensureTemporalCli } from '../../src/temporal/cli.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { api } from '../support/mcp.js';

/**
 * README.md and docs/*.md as a reader uses them: every fenced shell block is run, in page order,
 * one bash session per page, against a started app whose Slack and GitHub are the fake SaaS. A
 * curl answering non-2xx or a command that does not exist fails the page. A block right after
 * `<!-- not run: reason -->` is skipped; one after `<!-- file: name -->` is written to that file
 * in the page's working directory before the page runs. The links between the pages (and
 * ARCHITECTURE.md's) are checked too, the repository paths they name, and configuration.md
 * against src/config.ts and its sections.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const pages = ['README.md', 'ARCHITECTURE.md', ...fs.readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];
const shellLanguages = new Set(['sh', 'bash', 'shell']);
/** Pages written on other branches (fair-execution, hostile-signin); drop each name once its page is here. */
const pagesInFlight = new Set<string>();

interface Block {
  page: string;
  line: number;
  language: string;
  text: string;
  notRun?: string;
  file?: string;
}

function blocksOf(page: string): Block[] {
  const lines = fs.readFileSync(path.join(root, page), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, language] = open;
    const body: string[] = [];
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) body.push(lines[end++]!.slice(indent!.length));
    const before = lines.slice(0, i).reverse().find((line) => line.trim() !== '')?.trim() ?? '';
    const notRun = /^<!-- not run: (.+) -->$/.exec(before)?.[1];
    const file = /^<!-- file: (\S+) -->$/.exec(before)?.[1];
    blocks.push({ page, line: i + 1, language: language!, text: body.join('\n'), ...(notRun ? { notRun } : {}), ...(file ? { file } : {}) });
    i = end;
  }
  return blocks;
}

/** `npm` in the pages is checked, not run (npm start would start a second app, npm test this suite again). */
const preamble = `
set -Eeuo pipefail
trap 'echo "failed: the block at $DOCS_BLOCK, at: $BASH_COMMAND" >&2' ERR
curl() { command curl --fail-with-body --show-error "$@"; }
npm() {
  local script
  case "$1" in
    ci) return 0 ;;
    start | test) script="$1" ;;
    run) script="$2" ;;
    *) echo "npm $1: not a command the docs should need" >&2; return 127 ;;
  esac
  jq -e --arg script "$script" '.scripts[$script]' "$PACKAGE_JSON" >/dev/null || { echo "npm: package.json has no script \\"$script\\"" >&2; return 127; }
}
`;

function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(page: string): Set<string> {
  const text = fs.readFileSync(path.join(root, page), 'utf8').replace(/^\s*```[\s\S]*?^\s*```/gm, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => slugOf(heading!)));
}

describe('README.md and docs/*.md', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let temporalCli: string;
  const workDirs: string[] = [];

  beforeAll(async () => {
    const config = loadConfig();
    [app, fake, temporalCli] = await Promise.all([
      startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }),
      startFakeSaas(),
      ensureTemporalCli({ cliPath: config.temporal.cliPath, cacheDir: config.temporal.cliCacheDir }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    await fake?.close();
    await app?.close();
  });

  /** A fresh account for the page, as a reader's own: its admin key, with Slack and GitHub at the fake SaaS. */
  async function accountFor(page: string): Promise<string> {
    const account = await createAccount(app.database.db, app.secretBox, { name: page });
    const { key } = await createApiKey(app.database.db, { accountId: account.id, userId: 'default', name: page });
    for (const connectorId of ['slack', 'github']) {
      const settings = await api(app.apiUrl, key, 'PUT', `/api/connectors/${connectorId}/settings`, {
        baseUrl: fake.url,
        rateLimit: { requestsPerSecond: 100, burst: 100 },
      });
      expect(settings.status).toBe(200);
    }
    return key;
  }

  const runnablePages = pages.filter((page) => blocksOf(page).some((block) => shellLanguages.has(block.language) && !block.notRun));

  it.each(runnablePages)('runs every shell command in %s', async (page) => {
    const blocks = blocksOf(page);
    const substitutions: Array<[string, string]> = [
      ['http://127.0.0.1:3000', app.apiUrl],
      ['sk_…', await accountFor(page)],
      ['xoxb-your-token', fake.token],
    ];
    const substitute = (text: string) => substitutions.reduce((result, [placeholder, value]) => result.split(placeholder).join(value), text);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'docs-'));
    workDirs.push(dir);
    for (const block of blocks.filter((candidate) => candidate.file)) await writeFile(path.join(dir, block.file!), block.text);
    const script = [
      preamble,
      ...blocks
        .filter((block) => shellLanguages.has(block.language) && !block.notRun)
        .map((block) => `DOCS_BLOCK=${JSON.stringify(`${page}:${block.line}`)}\n${substitute(block.text)}\n`),
    ].join('\n');
    const run = await promisify(execFile)('bash', ['-c', script], {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        PATH: `${path.dirname(temporalCli)}:${process.env.PATH ?? ''}`,
        HOME: process.env.HOME ?? dir,
        PACKAGE_JSON: path.join(root, 'package.json'),
        SWITCHBOARD_URL: app.apiUrl,
        SWITCHBOARD_API_KEY: substitutions[1]![1],
        TEMPORAL_ADDRESS: inject('temporalAddress'),
      },
    }).catch((error: { stdout: string; stderr: string }) => ({ failed: true, ...error }));
    expect('failed' in run ? run.stderr + run.stdout.slice(-2000) : '', `${page}: a command failed`).toBe('');
  });

  it('marks few blocks as not run, each with its reason', () => {
    const skipped = pages.flatMap(blocksOf).filter((block) => block.notRun !== undefined);
    expect(skipped.every((block) => block.notRun!.length > 10)).toBe(true);
    expect(skipped.map((block) => `${block.page}:${block.line}`).length).toBeLessThanOrEqual(5);
  });

  it('has every relative link resolve, anchors included', () => {
    const broken: string[] = [];
    for (const page of pages) {
      const text = fs.readFileSync(path.join(root, page), 'utf8').replace(/^\s*```[\s\S]*?^\s*```/gm, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue;
        const [file, anchor] = target!.split('#') as [string, string | undefined];
        const resolved = file ? path.relative(root, path.resolve(path.dirname(path.join(root, page)), file)) : page;
        if (!fs.existsSync(path.join(root, resolved))) {
          if (!pagesInFlight.has(resolved)) broken.push(`${page}: ${target} (no such file)`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`${page}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('names only repository paths that exist', () => {
    const missing = pages.flatMap((page) =>
      [...fs.readFileSync(path.join(root, page), 'utf8').matchAll(/`((?:src|test|scripts|bench|catalog|conformance)\/[^`\s<>{}*…]+)`/g)]
        .map(([, named]) => named!.replace(/[.,:;]$/, ''))
        .filter((named) => !fs.existsSync(path.join(root, named)))
        .map((named) => `${page}: ${named}`),
    );
    expect(missing).toEqual([]);
  });

  it('lists every error code in docs/errors.md', () => {
    const rows = fs
      .readFileSync(path.join(root, 'docs/errors.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| '));
    expect(errorCodes.filter((code) => !rows.some((row) => new RegExp(`\\b${code}\\b`).test(row.split('|')[1]!)))).toEqual([]);
  });

  it('names every variable src/config.ts and its sections read in docs/configuration.md', () => {
    const config = fs.readFileSync(path.join(root, 'src/config.ts'), 'utf8');
    const schema = config.slice(config.indexOf('const envSchema'), config.indexOf('\n});', config.indexOf('const envSchema')));
    // A section (src/config/<name>.ts) adds its variables to that schema from an object of its own.
    const sections = fs
      .readdirSync(path.join(root, 'src/config'))
      .map((file) => fs.readFileSync(path.join(root, 'src/config', file), 'utf8'))
      .filter((section) => section.includes('Env = {'))
      .map((section) => section.slice(section.indexOf('Env = {'), section.indexOf('\n};', section.indexOf('Env = {'))));
    const variables = [schema, ...sections].flatMap((text) => [...text.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map(([, name]) => name!));
    expect(variables).toEqual(expect.arrayContaining(['PORT', 'HOSTED_MCP_BWRAP', 'PLUGIN_MAX_HTTP_CALLS']));
    expect(variables.length).toBeGreaterThan(30);
    const page = fs.readFileSync(path.join(root, 'docs/configuration.md'), 'utf8');
    expect(variables.filter((name) => !page.includes(`\`${name}\``))).toEqual([]);
  });
});
