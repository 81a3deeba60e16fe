import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const webDir = fileURLToPath(new URL('../console/web/', import.meta.url));

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Bundles the console (one script, one stylesheet, the page) in memory. The API does this on
 * first use instead of reading a build folder, so `npm start` needs no build step, a read-only
 * image works, and what is served always matches the source it runs with.
 */
export async function buildConsoleAssets(): Promise<Map<string, ConsoleAsset>> {
  const result = await build({
    entryPoints: [`${webDir}main.ts`, `${webDir}styles.css`],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    outdir: '/console',
    entryNames: 'app',
    write: false,
    logLevel: 'silent',
  });
  const assets = new Map<string, ConsoleAsset>();
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    assets.set(name, { body: Buffer.from(file.contents), contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream' });
  }
  assets.set('index.html', { body: await readFile(`${webDir}index.html`), contentType: CONTENT_TYPES['.html']! });
  return assets;
}
