import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Fails on any import cycle among the TypeScript files under the given folders (default: src).
 * Type-only imports count: a cycle of types still ties the modules together for a reader, and
 * eslint's import-x/no-cycle skips them. Part of `npm run check`.
 */

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function importGraph(files: string[], options: ts.CompilerOptions): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map(({ fileName }) => ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule?.resolvedFileName)
      .filter((target): target is string => target !== undefined && known.has(resolve(target)))
      .map((target) => resolve(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Tarjan's strongly connected components: each one with more than one file is a cycle (a self-import too). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)!.includes(file)) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

const folders = process.argv.slice(2);
const files = (folders.length ? folders : ['src']).flatMap((folder) => sourceFiles(resolve(folder)));
const config = ts.readConfigFile(ts.findConfigFile(process.cwd(), ts.sys.fileExists) ?? 'tsconfig.json', ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(config.config ?? {}, ts.sys, process.cwd());
const found = cycles(importGraph(files, options));
for (const component of found) console.error(`import cycle: ${component.map((file) => relative(process.cwd(), file)).join(' ↔ ')}`);
console.log(`${found.length} import cycles among ${files.length} files`);
process.exitCode = found.length ? 1 : 0;
