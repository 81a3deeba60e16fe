import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-'));

function filesUnder(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .sort();
}

describe('npm run catalog:build', () => {
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('reproduces the committed catalogue byte for byte', { timeout: 180_000 }, async () => {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/catalog/build.ts', '--out', out], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    const committed = path.join(root, 'catalog');
    const built = filesUnder(out);
    expect(built).toEqual(filesUnder(committed));
    const differing = built.filter((file) => !fs.readFileSync(path.join(out, file)).equals(fs.readFileSync(path.join(committed, file))));
    expect(differing, 'run npm run catalog:build and commit catalog/').toEqual([]);
  });
});
