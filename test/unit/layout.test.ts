import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const unitDir = path.join(root, 'test/unit');

/**
 * Where the module a unit test file is about lives: test/unit mirrors src (test/unit/upstream/egress.test.ts
 * tests src/upstream/egress.ts), and its scripts/ and support/ folders mirror scripts/ and test/support/.
 * A file may add a topic after a dot (egress.ipv6.test.ts), never a folder of its own.
 */
function moduleOf(testFile: string): string {
  const [folder, ...rest] = testFile.split('/');
  const base = rest.length ? path.join(...rest) : folder!;
  const modulePath = path.join(path.dirname(base), `${path.basename(base).split('.')[0]}.ts`);
  if (rest.length && folder === 'scripts') return path.join('scripts', modulePath);
  if (rest.length && folder === 'support') return path.join('test/support', modulePath);
  return path.join('src', rest.length ? folder! : '', modulePath);
}

function testFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? testFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .filter((file) => file.endsWith('.test.ts'));
}

describe('test/unit layout', () => {
  it('puts each unit test beside the path of the module it tests', () => {
    const astray = testFiles(unitDir)
      .map((file) => ({ file: `test/unit/${file}`, module: moduleOf(file) }))
      .filter(({ file, module }) => file !== 'test/unit/layout.test.ts' && !fs.existsSync(path.join(root, module)));
    expect(astray, 'move each file to test/unit/<the module path under src>/<module>.test.ts').toEqual([]);
  });
});
