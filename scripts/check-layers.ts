import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { layers } from '../eslint.config.js';

/**
 * Checks the layer table in eslint.config.js against src: every file has a layer, and no import
 * runs up a layer, except the type-only ones the table allows. eslint's import-x zones, made from
 * the same table, hold each import line to it; this script also catches a folder the table
 * forgot, and counts. With --verbose it lists the imports that cross a layer boundary by pair of
 * layers, runtime and type-only apart. Part of `npm run check`.
 *
 * A type-only import is `import type` or `export type`: under verbatimModuleSyntax,
 * `import { type A }` still loads the module, so it counts as runtime.
 */

interface Crossing {
  from: string;
  to: string;
  typeOnly: boolean;
  upward: boolean;
  allowed: boolean;
}

const holds = (path: string, file: string) => file === path || file.startsWith(`${path}/`);

/** The index of the layer whose longest path holds the file (0 is the outermost layer). */
function layerOf(file: string): number | undefined {
  let found: { index: number; length: number } | undefined;
  layers.forEach((layer, index) => {
    for (const path of layer.paths) if (holds(path, file) && path.length > (found?.length ?? -1)) found = { index, length: path.length };
  });
  return found?.index;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The module specifiers a file imports, each with whether only types come through it. */
function importsOf(file: string): Array<{ specifier: string; typeOnly: boolean }> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Array<{ specifier: string; typeOnly: boolean }> = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly ?? false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

// A path nested in another layer's path must belong to a lower layer: the outer layer's zones then
// hold it too, which only forbids what it may not import anyway.
layers.forEach((layer, index) => {
  for (const path of layer.paths) {
    for (const [outerIndex, outer] of layers.entries()) {
      if (outer.paths.some((outerPath) => outerPath !== path && holds(outerPath, path)) && outerIndex > index) {
        console.error(`${path} (${layer.name}) sits inside the ${outer.name} layer, below it: a nested path must be a lower layer`);
        process.exitCode = 1;
      }
    }
  }
});

const config = ts.readConfigFile(ts.findConfigFile(process.cwd(), ts.sys.fileExists) ?? 'tsconfig.json', ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(config.config ?? {}, ts.sys, process.cwd());
const files = sourceFiles(resolve('src')).map((file) => relative(process.cwd(), file));
const problems: string[] = [];
const crossings: Crossing[] = [];

for (const file of files) {
  const layer = layerOf(file);
  if (layer === undefined) {
    problems.push(`${file} is in no layer: add its folder to the layer table in eslint.config.js`);
    continue;
  }
  for (const { specifier, typeOnly } of importsOf(file)) {
    const resolved = ts.resolveModuleName(specifier, resolve(file), options, ts.sys).resolvedModule;
    if (!resolved || resolved.isExternalLibraryImport) continue;
    const target = relative(process.cwd(), resolved.resolvedFileName);
    const targetLayer = layerOf(target);
    if (targetLayer === undefined || targetLayer === layer) continue;
    const upward = targetLayer < layer;
    const allowed = !upward || (typeOnly && (layers[layer]!.typeOnly ?? []).some((allowance) => allowance.paths.some((path) => holds(path, target))));
    crossings.push({ from: layers[layer]!.name, to: layers[targetLayer]!.name, typeOnly, upward, allowed });
    if (!allowed) problems.push(`${file} imports ${target}${typeOnly ? ' (types only)' : ''}: ${layers[layer]!.name} may not import ${layers[targetLayer]!.name}`);
  }
}

if (process.argv.includes('--verbose')) {
  const pairs = new Map<string, { runtime: number; types: number }>();
  for (const crossing of crossings) {
    const key = `${crossing.upward ? 'up  ' : 'down'} ${crossing.from} → ${crossing.to}`;
    const pair = pairs.get(key) ?? { runtime: 0, types: 0 };
    pair[crossing.typeOnly ? 'types' : 'runtime'] += 1;
    pairs.set(key, pair);
  }
  for (const [key, pair] of [...pairs].sort(([a], [b]) => a.localeCompare(b))) console.log(`${key}: ${pair.runtime} runtime, ${pair.types} type-only`);
}
for (const problem of problems) console.error(problem);
const up = crossings.filter((crossing) => crossing.upward);
const count = (keep: (crossing: Crossing) => boolean) => up.filter(keep).length;
console.log(
  `${files.length} files in ${layers.length} layers; imports up a layer: ${count((c) => !c.typeOnly)} runtime, ` +
    `${count((c) => c.typeOnly)} type-only (${count((c) => c.typeOnly && c.allowed)} of them allowed by the table)`,
);
if (problems.length) process.exitCode = 1;
