import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { layers, type Layer } from '../../../eslint.config.js';

/**
 * The layer table in eslint.config.js, checked by scripts/check-layers.ts and crossed on purpose: a throwaway file placed in each layer
 * imports each layer above it and the lint must refuse every one, by the zone that names the two
 * layers. The files are linted as text under a path inside the layer (nothing is written to src);
 * the imports name real files, which the resolver must find.
 */

// Only the rules under test run: the type-aware ones need the files to exist in the TypeScript project.
const eslint = new ESLint({
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) =>
    ['import-x/no-restricted-paths', '@typescript-eslint/no-restricted-imports', 'no-restricted-syntax', 'no-restricted-imports'].includes(ruleId),
});

const holds = (path: string, file: string) => file === path || file.startsWith(`${path}/`);
const layerIndexOf = (file: string) => {
  let best = { index: -1, length: -1 };
  layers.forEach((layer, index) => {
    for (const path of layer.paths) if (holds(path, file) && path.length > best.length) best = { index, length: path.length };
  });
  return best.index;
};

/** A real file of the layer, for others to import. */
function fileIn(layer: Layer): string {
  const index = layers.indexOf(layer);
  for (const path of layer.paths) {
    if (statSync(path).isFile()) return path;
    const found = readdirSync(path, { recursive: true, encoding: 'utf8' })
      .map((name) => join(path, name))
      .find((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && layerIndexOf(file) === index);
    if (found) return found;
  }
  throw new Error(`no file in the ${layer.name} layer`);
}

/** Where a throwaway file of the layer is linted: in its first folder, or as its first file. */
const probeIn = (layer: Layer) => (layer.paths[0]!.endsWith('.ts') ? layer.paths[0]! : `${layer.paths[0]}/layerProbe.ts`);

function specifier(from: string, to: string): string {
  const path = relative(dirname(from), to).replace(/\.ts$/, '.js');
  return path.startsWith('.') ? path : `./${path}`;
}

async function lint(file: string, text: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(text, { filePath: file });
  return result!.messages;
}

const zoneMessages = (messages: Linter.LintMessage[]) =>
  messages.filter((message) => message.ruleId === 'import-x/no-restricted-paths' && message.message.includes('layers below it'));

describe('the layer table: scripts/check-layers.ts and the zones eslint.config.js makes', () => {
  it('finds every file under src in a layer, and no import up a layer at runtime', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/check-layers.ts']);
    expect(stdout).toMatch(/ in 11 layers; imports up a layer: 0 runtime, \d+ type-only \((\d+) of them allowed/);
  });

  it.each(layers.slice(1).map((layer) => [layer.name, layer] as const))('refuse every import up from the %s layer', async (_name, layer) => {
    const probe = probeIn(layer);
    const above = layers.slice(0, layers.indexOf(layer));
    const refused = await Promise.all(
      above.map(async (upper) => {
        const target = fileIn(upper);
        expect(existsSync(target)).toBe(true);
        const messages = zoneMessages(await lint(probe, `import * as upper from '${specifier(probe, target)}';\nexport const used = upper;\n`));
        return messages.some((message) => message.message.includes(`The ${layer.name} layer`) && message.message.includes(`not the ${upper.name} layer`));
      }),
    );
    expect(Object.fromEntries(above.map((upper, index) => [upper.name, refused[index]]))).toEqual(Object.fromEntries(above.map((upper) => [upper.name, true])));
  });

  it('let each layer import the layer below it', async () => {
    for (const [index, layer] of layers.slice(0, -1).entries()) {
      const probe = probeIn(layer);
      const below = fileIn(layers[index + 1]!);
      expect(zoneMessages(await lint(probe, `import * as lower from '${specifier(probe, below)}';\nexport const used = lower;\n`))).toEqual([]);
    }
  });

  it('hold the type-only allowances to types', async () => {
    for (const layer of layers.filter((candidate) => candidate.typeOnly)) {
      const probe = probeIn(layer);
      for (const allowed of layer.typeOnly!.flatMap((allowance) => allowance.paths)) {
        const path = specifier(probe, allowed);
        expect(await lint(probe, `import type * as types from '${path}';\nexport type Used = typeof types;\n`)).toEqual([]);
        const runtime = await lint(probe, `import * as values from '${path}';\nexport const used = values;\n`);
        expect(runtime.map((message) => message.ruleId)).toContain('@typescript-eslint/no-restricted-imports');
      }
    }
  });

  it('keep the Temporal client to the starters', async () => {
    const outside = 'src/api/routes/layerProbe.ts';
    const imported = await lint(outside, "import { Client } from '@temporalio/client';\nexport const client = Client;\n");
    expect(imported.map((message) => message.ruleId)).toContain('@typescript-eslint/no-restricted-imports');
    const reached = await lint(outside, 'export const start = (deps: { temporal: { client: unknown } }) => deps.temporal.client;\n');
    expect(reached.map((message) => message.ruleId)).toContain('no-restricted-syntax');
    expect(await lint('src/starters/layerProbe.ts', "import { Client } from '@temporalio/client';\nexport const start = (temporal: { client: Client }) => temporal.client;\n")).toEqual([]);
  });
});
