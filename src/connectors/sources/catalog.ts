/**
 * Runtime loader for the generated connector catalogue (catalog/** at the top of the repository,
 * built by `npm run catalog:build`). The index is read once; full definitions are
 * read lazily, validated once and cached (definitions are immutable).
 */
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  CONNECTOR_ID_PATTERN,
  connectorDefinitionSchema,
  connectorSummarySchema,
  type ConnectorDefinition,
  type ConnectorSummary,
} from '../schema.js';

export type { ConnectorSummary } from '../schema.js';

/** Where the generated catalogue lives (index.json and connectors/<id>.json). */
export const catalogDirectory = new URL('../../../catalog/', import.meta.url);
const connectorsDir = new URL('./connectors/', catalogDirectory);

let index: readonly ConnectorSummary[] | undefined;
let indexById: ReadonlyMap<string, ConnectorSummary> | undefined;
const definitions = new Map<string, Promise<ConnectorDefinition | undefined>>();

function loadIndex(): ReadonlyMap<string, ConnectorSummary> {
  if (!indexById) {
    const raw: unknown = JSON.parse(fs.readFileSync(new URL('index.json', catalogDirectory), 'utf8'));
    const rows = connectorSummarySchema.array().parse(raw);
    for (const row of rows) Object.freeze(row);
    index = Object.freeze(rows);
    indexById = new Map(rows.map((r) => [r.id, r]));
  }
  return indexById;
}

/** Summaries of all catalogue connectors (optionally one category), sorted by id. */
export function listCatalogConnectors(filter?: { category?: string }): ConnectorSummary[] {
  loadIndex();
  const rows = index ?? [];
  return filter?.category === undefined ? [...rows] : rows.filter((r) => r.category === filter.category);
}

let actionWords: ReadonlyMap<string, string> | undefined;

/** Each catalogue connector's action ids and titles as words (catalog/search.json), for the search index. */
export function catalogActionWords(): ReadonlyMap<string, string> {
  actionWords ??= new Map(Object.entries(JSON.parse(fs.readFileSync(new URL('search.json', catalogDirectory), 'utf8')) as Record<string, string>));
  return actionWords;
}

/** True when `id` names a catalogue connector (no file-system access beyond the index). */
export function hasCatalogConnector(id: string): boolean {
  return CONNECTOR_ID_PATTERN.test(id) && loadIndex().has(id);
}

async function readDefinition(id: string): Promise<ConnectorDefinition | undefined> {
  const text = await readFile(new URL(`${id}.json`, connectorsDir), 'utf8');
  const def = connectorDefinitionSchema.parse(JSON.parse(text));
  if (def.id !== id) throw new Error(`catalog file ${id}.json holds connector ${def.id}`);
  return def;
}

/**
 * The full definition of one catalogue connector, or undefined for unknown ids.
 * Only ids listed in the index are ever read from disk, so traversal attempts
 * such as `../x` never touch the file system.
 */
export function getCatalogConnector(id: string): Promise<ConnectorDefinition | undefined> {
  if (typeof id !== 'string' || !hasCatalogConnector(id)) return Promise.resolve(undefined);
  let pending = definitions.get(id);
  if (!pending) {
    pending = readDefinition(id);
    definitions.set(id, pending);
    // do not cache failures: a later call may succeed (e.g. after a rebuild)
    pending.catch(() => definitions.delete(id));
  }
  return pending;
}
