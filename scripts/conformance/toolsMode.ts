import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startConformanceServer } from './server.js';

/**
 * The suite's server scenarios against our own conformance test server (scripts/conformance/
 * server.ts), at each protocol revision: first directly, then through a tools-mode Switchboard
 * server that has it assigned as a remote MCP connector. conformance/baseline-direct-<revision>.yml
 * lists what the test server itself fails (with the reason); conformance/baseline-tools-<revision>.yml
 * what fails only through Switchboard (with the reason). The run through Switchboard expects the
 * union of both, so it fails when a scenario that passes directly fails through Switchboard and is
 * not listed, and when a listed one starts passing. Each run's checks are kept in
 * test-results/conformance/{direct,tools}-<revision>/, and a per-scenario comparison is printed.
 */
export async function runToolsModeSuite(options: {
  node: string;
  suiteCli: string;
  apiUrl: string;
  apiKey: string;
  revisions: readonly string[];
  suiteDir: string;
  outputDir: string;
  cwd: string;
  /** Passed on to each run (e.g. --scenario ping), as the server suite's are. */
  extraArgs?: readonly string[];
}): Promise<number> {
  const testServer = await startConformanceServer();
  let code = 0;
  try {
    const call = async (method: string, path: string, body?: unknown): Promise<any> => {
      const response = await fetch(`${options.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
      return JSON.parse(text);
    };
    const connector = await call('POST', '/api/mcp-connectors', { name: 'Conformance test server', url: testServer.url });
    for (const revision of options.revisions) {
      const server = await call('POST', '/api/servers', { name: `conformance tools ${revision}`, mode: 'tools' });
      await call('POST', `/api/servers/${server.serverId}/connectors`, { mcpConnectorId: connector.id });
      const directBaseline = join(options.suiteDir, `baseline-direct-${revision}.yml`);
      const throughBaseline = join(options.outputDir, `baseline-through-${revision}.yml`);
      await mkdir(options.outputDir, { recursive: true });
      await writeFile(throughBaseline, await unionOf([directBaseline, join(options.suiteDir, `baseline-tools-${revision}.yml`)]));
      const runs = [
        { name: 'direct', url: testServer.url, baseline: directBaseline },
        { name: 'tools', url: server.accessUrl as string, baseline: throughBaseline },
      ];
      for (const run of runs) {
        const suite = spawn(
          options.node,
          [options.suiteCli, 'server', '--url', run.url, ...revisionArgs(revision, options.extraArgs), '--expected-failures', run.baseline, '--output-dir', join(options.outputDir, `${run.name}-${revision}`), ...(options.extraArgs ?? [])],
          { cwd: options.cwd, stdio: 'inherit' },
        );
        const [exit] = (await once(suite, 'exit')) as [number | null];
        console.log(`conformance ${run.name === 'direct' ? 'test server directly' : 'test server through tools mode'} ${revision}: ${exit === 0 ? 'passed' : `failed (exit ${exit})`}`);
        code = Math.max(code, exit ?? 1);
      }
      console.log(await comparison(join(options.outputDir, `direct-${revision}`), join(options.outputDir, `tools-${revision}`), revision));
    }
  } finally {
    await testServer.close();
  }
  return code;
}

/** The suite refuses --requirements with --scenario (the set fixes the scenarios): one scenario runs at the revision's spec version. */
export function revisionArgs(revision: string, extraArgs: readonly string[] = []): string[] {
  return extraArgs.includes('--scenario') ? ['--spec-version', revision] : ['--requirements', revision];
}

/** The scenarios of several baseline files (those that exist) as one baseline. */
async function unionOf(files: string[]): Promise<string> {
  const entries: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      const entry = /^\s*-\s*(\S+)/.exec(line)?.[1];
      if (entry && !entries.includes(entry)) entries.push(entry);
    }
  }
  return entries.length === 0 ? 'server: []\n' : `server:\n${entries.map((entry) => `  - ${entry}`).join('\n')}\n`;
}

/** Each scenario's outcome in one run's output directory (server-<scenario>-<time>/checks.json): passed when no check failed or warned. */
async function outcomes(dir: string): Promise<Map<string, { passed: number; failed: number }>> {
  const byScenario = new Map<string, { passed: number; failed: number }>();
  if (!existsSync(dir)) return byScenario;
  for (const entry of (await readdir(dir)).sort()) {
    const scenario = /^server-(.+)-\d{4}-\d{2}-\d{2}T/.exec(entry)?.[1];
    const file = join(dir, entry, 'checks.json');
    if (!scenario || !existsSync(file)) continue;
    const checks = JSON.parse(await readFile(file, 'utf8')) as Array<{ status: string }>;
    byScenario.set(scenario, {
      passed: checks.filter((check) => check.status === 'SUCCESS').length,
      failed: checks.filter((check) => check.status === 'FAILURE' || check.status === 'WARNING').length,
    });
  }
  return byScenario;
}

async function comparison(directDir: string, toolsDir: string, revision: string): Promise<string> {
  const [direct, tools] = [await outcomes(directDir), await outcomes(toolsDir)];
  const scenarios = [...new Set([...direct.keys(), ...tools.keys()])];
  const passes = (outcome: { failed: number } | undefined) => outcome !== undefined && outcome.failed === 0;
  const lines = scenarios.map((scenario) => {
    const [a, b] = [direct.get(scenario), tools.get(scenario)];
    const mark = passes(a) === passes(b) ? ' ' : '!';
    const cell = (outcome: typeof a) => (outcome ? `${passes(outcome) ? 'pass' : 'FAIL'} ${outcome.passed}/${outcome.passed + outcome.failed}` : '-');
    return `${mark} ${scenario.padEnd(48)} ${cell(a).padEnd(12)} ${cell(b)}`;
  });
  const count = (outcome: Map<string, { failed: number }>) => [...outcome.values()].filter(passes).length;
  return [
    `conformance ${revision}: scenario, directly, through tools mode (passing checks/checks; ! where they differ)`,
    ...lines,
    `  scenarios passing: directly ${count(direct)}/${direct.size}, through tools mode ${count(tools)}/${tools.size}`,
  ].join('\n');
}
