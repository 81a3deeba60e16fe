import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const folders: string[] = [];

/** Writes the files into a fresh folder and runs scripts/check-cycles.ts on it, as `npm run check` does on src. */
async function checkCycles(files: Record<string, string>) {
  const folder = await mkdtemp(join(tmpdir(), 'cycles-'));
  folders.push(folder);
  await Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(folder, name), text)));
  return run(process.execPath, ['--import', 'tsx', 'scripts/check-cycles.ts', folder]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('scripts/check-cycles.ts', () => {
  it('fails on a cycle made of type-only imports', async () => {
    const result = await checkCycles({
      'page.ts': "import type { Shell } from './shell.js';\nexport type Page = (shell: Shell) => void;\n",
      'shell.ts': "import type { Page } from './page.js';\nexport interface Shell { pages: Page[] }\n",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/import cycle: .*page\.ts ↔ .*shell\.ts/);
  });

  it('fails on a cycle through a re-export', async () => {
    const result = await checkCycles({
      'a.ts': "export { b } from './b.js';\nexport const a = 1;\n",
      'b.ts': "import { a } from './a.js';\nexport const b = a + 1;\n",
    });
    expect(result.code).toBe(1);
  });

  it('passes a graph without cycles', async () => {
    const result = await checkCycles({
      'leaf.ts': 'export type Id = string;\n',
      'a.ts': "import type { Id } from './leaf.js';\nexport const a = (id: Id) => id;\n",
      'b.ts': "import { a } from './a.js';\nimport type { Id } from './leaf.js';\nexport const b = (id: Id) => a(id);\n",
    });
    expect(result).toMatchObject({ code: 0, stdout: '0 import cycles among 3 files\n' });
  });
});
