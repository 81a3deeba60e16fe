/**
 * Finding connectors by words (MCP list_connectors, GET /api/connectors?query=, the console's
 * catalogue search, discover_action_path's step matching and a tools-mode server's search_tools),
 * and paging through long lists.
 * One MiniSearch index (BM25 ranking, prefix and fuzzy terms) over connector names, ids,
 * categories and descriptions, and over their actions' ids and titles; the catalogue's part is
 * built once per process, an account's own connectors join it for the query.
 */
import MiniSearch from 'minisearch';
import { catalogActionWords, listCatalogConnectors } from './sources/catalog.js';

const STOP_WORDS = new Set(['a', 'an', 'and', 'at', 'by', 'for', 'from', 'i', 'in', 'into', 'is', 'it', 'me', 'my', 'of', 'on', 'or', 'the', 'to', 'via', 'with', 'api']);

/** Words of a text: camelCase and snake_case split, lower-cased, a plural or -ing cut so "messages" finds "message". */
export function searchWords(text: string): string[] {
  const split = text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return (split.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => !STOP_WORDS.has(word)).map(stem);
}

function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

export interface Searchable {
  id: string;
  name: string;
  category: string;
  description: string;
  actionCount: number;
  /** custom and remote-mcp connectors are the account's own: they win a tie. */
  origin?: string;
  /** Ids and titles of the connector's actions (catalogue connectors: from the build's search file). */
  actionWords?: string;
}

interface IndexedRow {
  id: string;
  name: string;
  idWords: string;
  category: string;
  description: string;
  actions: string;
}

const FIELDS = ['name', 'idWords', 'category', 'description', 'actions'] as const;

function newIndex(): MiniSearch<IndexedRow> {
  return new MiniSearch<IndexedRow>({
    fields: [...FIELDS],
    tokenize: (text) => [text],
    processTerm: (term) => searchWords(term),
    searchOptions: {
      boost: { name: 4, idWords: 3, category: 2, actions: 1.5, description: 1 },
      prefix: (term) => term.length > 3,
      fuzzy: (term) => (term.length > 5 ? 0.2 : false),
      combineWith: 'OR',
    },
  });
}

const toIndexed = (row: Searchable, actionWords = row.actionWords ?? ''): IndexedRow => ({
  id: row.id,
  name: row.name,
  idWords: row.id.replace(/[-_]/g, ' '),
  category: row.category,
  description: row.description,
  actions: actionWords,
});

let catalogIndex: { index: MiniSearch<IndexedRow>; ids: Set<string> } | undefined;

/** The catalogue's part of the index, built on first use. */
function catalogueIndex(): { index: MiniSearch<IndexedRow>; ids: Set<string> } {
  if (!catalogIndex) {
    const words = catalogActionWords();
    const index = newIndex();
    const catalogueRows = listCatalogConnectors();
    index.addAll(catalogueRows.map((row) => toIndexed(row, words.get(row.id) ?? '')));
    catalogIndex = { index, ids: new Set(catalogueRows.map((row) => row.id)) };
  }
  return catalogIndex;
}

const OWN_BOOST = 1.5;
/** Scores within 5 % of each other are a tie. */
const tieBand = (score: number): number => Math.floor(Math.log(score) / Math.log(1.05));
const own = (row: Searchable): number => (row.origin === 'custom' || row.origin === 'remote-mcp' ? 1 : 0);

/**
 * The rows that match the query, best first: BM25 over the fields (name counts most, then id,
 * category, actions and description), the account's own connectors (custom, remote) counting half
 * again; on a tie (within 5 %) its own first, then the broader API (more actions), then by id.
 */
export function searchConnectors<T extends Searchable>(rows: readonly T[], query: string): T[] {
  if (searchWords(query).length === 0) return [...rows];
  const { index, ids } = catalogueIndex();
  const extra = rows.filter((row) => !ids.has(row.id) || own(row));
  // The account's own rows join the shared index only for this (synchronous) query.
  const shadowed = extra.filter((row) => ids.has(row.id));
  for (const row of shadowed) index.discard(row.id);
  index.addAll(extra.map((row) => toIndexed(row)));
  let hits: Array<{ id: string; score: number }>;
  try {
    hits = index.search(query);
  } finally {
    for (const row of extra) index.discard(row.id);
    index.addAll(shadowed.map((row) => toIndexed(row, catalogActionWords().get(row.id) ?? '')));
  }
  const byId = new Map(rows.map((row) => [row.id, row]));
  return hits
    .flatMap((hit) => {
      const row = byId.get(hit.id);
      // The account's own connectors are what its people mostly mean: they count half again.
      return row ? [{ row, score: hit.score * (own(row) ? OWN_BOOST : 1) }] : [];
    })
    .sort(
      (a, b) =>
        tieBand(b.score) - tieBand(a.score) || own(b.row) - own(a.row) || b.row.actionCount - a.row.actionCount || a.row.id.localeCompare(b.row.id),
    )
    .map((entry) => entry.row);
}

interface IndexedAction {
  id: string;
  idWords: string;
  title: string;
  resource: string;
  description: string;
}

/** One index per action list (a connector's, or a server's view of it), built on first use. */
const actionIndexes = new WeakMap<readonly object[], MiniSearch<IndexedAction>>();

/**
 * A connector's actions that match the words, each with its score relative to the best (1 for the
 * best): BM25 over the action's id, title, resource and description, with prefix and fuzzy terms
 * as for connectors. discover_action_path's step matching weighs it beside its own rules.
 */
export function searchActions(
  actions: ReadonlyArray<{ id: string; title: string; resource: string; description: string }>,
  words: string,
): Map<string, number> {
  let index = actionIndexes.get(actions);
  if (!index) {
    index = new MiniSearch<IndexedAction>({
      fields: ['idWords', 'title', 'resource', 'description'],
      tokenize: (text) => [text],
      processTerm: (term) => searchWords(term),
      searchOptions: {
        boost: { idWords: 3, title: 2, resource: 1.5, description: 1 },
        prefix: (term) => term.length > 3,
        fuzzy: (term) => (term.length > 5 ? 0.2 : false),
        combineWith: 'OR',
      },
    });
    index.addAll(actions.map((action) => ({ id: action.id, idWords: action.id.replace(/[._-]/g, ' '), title: action.title, resource: action.resource, description: action.description })));
    actionIndexes.set(actions, index);
  }
  const hits = searchWords(words).length > 0 ? index.search(words) : [];
  const best = hits[0]?.score ?? 1;
  return new Map(hits.map((hit) => [String(hit.id), hit.score / best]));
}

/** One page of a list, and where the next starts (absent on the last page). */
export function pageOf<T>(rows: readonly T[], offset: number, limit: number): { items: T[]; nextOffset?: number } {
  const items = rows.slice(offset, offset + limit);
  return offset + limit < rows.length ? { items, nextOffset: offset + limit } : { items };
}
