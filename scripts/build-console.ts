import { mkdir, rm, writeFile } from 'node:fs/promises';
import { buildConsoleAssets } from '../src/api/consoleAssets.js';

/**
 * `npm run build`: writes the console bundle the API serves to dist/console, to inspect it or to
 * serve it from elsewhere. The API itself bundles in memory, so nothing needs this to run.
 */
const outDir = new URL('../dist/console/', import.meta.url);
const started = performance.now();
const assets = await buildConsoleAssets();
await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
for (const [name, asset] of assets) await writeFile(new URL(name, outDir), asset.body);
console.log(`console: ${[...assets.keys()].join(', ')} in dist/console (${Math.round(performance.now() - started)} ms)`);
