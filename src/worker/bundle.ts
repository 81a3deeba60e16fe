import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import type { Logger } from '../observability/logger.js';

const sdkVersion = (createRequire(import.meta.url)('@temporalio/worker/package.json') as { version: string }).version;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** What a kept bundle was built from: every source file (from its source map) with its hash. */
interface Manifest {
  files: Record<string, string>;
}

/**
 * The workflow bundle, built by webpack only when its sources changed: a start used to bundle
 * every time (1.7 s of CPU here, and a heap that stayed larger). A bundle is kept under
 * `cacheDir` with a manifest of the files it was made of, read from its own source map, each with
 * its hash; a start reuses it when every one of them hashes the same. A workflow that starts
 * importing another file has changed an import line, so the precise file list is never stale.
 * One bundle is kept per (workflows entry, interceptor modules, SDK version); writes are atomic,
 * so processes starting together at worst build it twice.
 */
export async function cachedWorkflowBundle(options: {
  cacheDir: string;
  workflowsPath: string;
  /** Workflow interceptor modules the bundle must contain (OpenTelemetry's, when tracing is on). */
  interceptorModules?: string[];
  logger: Logger;
}): Promise<WorkflowBundleOption> {
  const interceptorModules = options.interceptorModules ?? [];
  const name = sha256(JSON.stringify({ workflowsPath: options.workflowsPath, interceptorModules, sdkVersion })).slice(0, 24);
  const codePath = join(options.cacheDir, `${name}.js`);
  const manifestPath = join(options.cacheDir, `${name}.json`);
  if (await stillCurrent(manifestPath)) return { codePath };

  const started = performance.now();
  const { code } = await bundleWorkflowCode({ workflowsPath: options.workflowsPath, workflowInterceptorModules: interceptorModules, logger: quiet(options.logger) });
  const manifest: Manifest = { files: {} };
  for (const file of sourcesOf(code)) {
    const content = await readFile(file).catch(() => undefined);
    // Generated for the build and gone after it (the SDK's entrypoint): not a source to watch.
    if (content) manifest.files[file] = sha256(content);
  }
  await mkdir(options.cacheDir, { recursive: true });
  await writeAtomically(codePath, code);
  await writeAtomically(manifestPath, JSON.stringify(manifest));
  options.logger.info({ ms: Math.round(performance.now() - started), files: Object.keys(manifest.files).length }, 'workflow bundle built and kept');
  return { codePath };
}

async function stillCurrent(manifestPath: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    for (const [file, hash] of Object.entries(manifest.files)) {
      if (sha256(await readFile(file)) !== hash) return false;
    }
    return Object.keys(manifest.files).length > 0;
  } catch {
    return false;
  }
}

/** The absolute paths in the bundle's inline source map (webpack's runtime modules have none). */
function sourcesOf(code: string): string[] {
  const inline = /sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,(\S+)\s*$/.exec(code);
  if (!inline) throw new Error('The workflow bundle has no inline source map to list its sources from');
  const map = JSON.parse(Buffer.from(inline[1]!, 'base64').toString('utf8')) as { sources: string[] };
  return map.sources.filter((source) => source.startsWith('/'));
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}

/** Webpack's multi-line build report is noise: debug only. */
function quiet(logger: Logger) {
  const at = (level: 'debug' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) => logger[level](meta ?? {}, message);
  return {
    log: (level: string, message: string, meta?: Record<string, unknown>) => at(level === 'WARN' ? 'warn' : level === 'ERROR' ? 'error' : 'debug')(message, meta),
    trace: at('debug'),
    debug: at('debug'),
    info: at('debug'),
    warn: at('warn'),
    error: at('error'),
  };
}
