import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..', '..');

let built: Promise<void> | undefined;

/**
 * The plugins in plugins/, built from their Go source as `npm run plugins:build` builds them (Go's
 * build cache makes a second build quick). The module, base64, and the manifest beside its source.
 */
export async function builtPlugin(name: 'example' | 'hostile'): Promise<{ module: string; manifest: Record<string, unknown> | undefined }> {
  built ??= promisify(execFile)('sh', [join(root, 'plugins', 'build.sh')], { timeout: 300_000 }).then(() => undefined);
  await built;
  const module = (await readFile(join(root, 'plugins', 'dist', `${name}.wasm`))).toString('base64');
  const manifest = await readFile(join(root, 'plugins', name, 'manifest.json'), 'utf8').then(
    (text) => JSON.parse(text) as Record<string, unknown>,
    () => undefined,
  );
  return { module, manifest };
}
