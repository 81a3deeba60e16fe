import { spawn } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The Temporal CLI carries the dev server and the Web UI, and no npm or Debian package ships it,
 * so we build it from the Go module proxy once and keep it in a per-user cache keyed by version.
 * v1.5.1 is the newest tag `go install` can build: later tags carry a `replace` directive.
 */
const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

export interface TemporalCliOptions {
  /** An explicit binary (TEMPORAL_CLI); used as is, never built. */
  cliPath?: string;
  cacheDir: string;
  /** Progress lines for a human watching the first build. */
  onProgress?: (line: string) => void;
}

function cachedTemporalCliPath(cacheDir: string): string {
  return join(cacheDir, TEMPORAL_CLI_VERSION, 'temporal');
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns a runnable Temporal CLI, building it with `go install` when it is not cached yet. */
export async function ensureTemporalCli(options: TemporalCliOptions): Promise<string> {
  if (options.cliPath) {
    if (!(await isExecutable(options.cliPath))) {
      throw new Error(`TEMPORAL_CLI points at ${options.cliPath}, which is not an executable file`);
    }
    return options.cliPath;
  }
  const target = cachedTemporalCliPath(options.cacheDir);
  if (await isExecutable(target)) return target;

  const progress = options.onProgress ?? (() => undefined);
  progress(`Temporal CLI ${TEMPORAL_CLI_VERSION} is not cached; building it with go install (a few minutes, once)…`);
  await mkdir(options.cacheDir, { recursive: true });
  // Build into a scratch folder and rename, so an interrupted build never leaves a half-written binary behind.
  const scratch = await mkdtemp(join(options.cacheDir, '.build-'));
  try {
    await runGoInstall(scratch, progress);
    await mkdir(join(options.cacheDir, TEMPORAL_CLI_VERSION), { recursive: true });
    await rename(join(scratch, 'temporal'), target);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  progress(`Temporal CLI ready at ${target}`);
  return target;
}

function runGoInstall(gobin: string, progress: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
      // go needs the caller's environment (PATH, HOME, GOPATH, proxy settings) plus where to put the binary.
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let downloads = 0;
    const onOutput = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.startsWith('go: downloading')) {
          downloads += 1;
          if (downloads % 25 === 1) progress(`  ${line.trim()} (${downloads} modules so far)`);
        } else if (line.trim()) {
          progress(`  ${line.trim()}`);
        }
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error(
              'Go is not installed or not on PATH, and the Temporal CLI must be built with it. ' +
                'Install Go (https://go.dev/dl/), or set TEMPORAL_CLI to an existing temporal binary, ' +
                'or set TEMPORAL_ADDRESS to use a running Temporal cluster.',
            )
          : error,
      );
    });
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} failed with exit code ${code}`));
    });
  });
}
