import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The suite's `client` command against Switchboard's outbound MCP client and its OAuth
 * (scripts/conformance/client.ts is the command it runs per scenario, the server URL appended),
 * with the client scenarios one protocol revision requires (`--requirements`, at that revision's
 * wire): its auth/ scenarios (the `--suite auth` ones that revision has) and a few without OAuth.
 * The scenarios run in parallel. conformance/baseline-client-<revision>.yml lists the scenarios
 * (or single checks) we knowingly fail, each with a reason; the run fails on any other failure and
 * on a listed one that starts passing.
 */
export async function runClientAuthSuite(options: {
  node: string;
  suiteCli: string;
  apiUrl: string;
  apiKey: string;
  revision: string;
  suiteDir: string;
  outputDir: string;
  cwd: string;
}): Promise<number> {
  // The suite starts every scenario's client at once: bundled once, each starts in a fraction of
  // what tsx compiling it would take (dozens of them at once time out on a small machine). The
  // bundle sits in the project so its packages resolve from node_modules.
  const bundle = join(options.outputDir, 'client.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./client.ts', import.meta.url))],
    outfile: bundle,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  // The suite splits the command on spaces and runs it through a shell: absolute paths, no quoting.
  const command = `${process.execPath} ${bundle}`;
  const suite = spawn(
    options.node,
    [
      options.suiteCli,
      'client',
      '--command',
      command,
      '--requirements',
      options.revision,
      '--timeout',
      '120000',
      '--expected-failures',
      join(options.suiteDir, `baseline-client-${options.revision}.yml`),
      '--output-dir',
      options.outputDir,
    ],
    {
      cwd: options.cwd,
      stdio: 'inherit',
      env: { ...process.env, SWITCHBOARD_API_URL: options.apiUrl, SWITCHBOARD_API_KEY: options.apiKey },
    },
  );
  const [exit] = (await once(suite, 'exit')) as [number | null];
  return exit ?? 1;
}
