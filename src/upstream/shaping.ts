import type { ActionDefinition } from '../connectors/schema.js';

/** Bands from the product spec: what an agent can use well in one tool result. */
export const SHAPING = {
  refineAbove: 50,
  truncateFrom: 25,
  displayed: 25,
  samples: 3,
  maxArrayItems: 1000,
  /**
   * Temporal refuses payloads over 2 MB and warns from 512 KB; stay under the warning so
   * histories stay light and the MCP client gets something an agent can read.
   */
  maxResultBytes: 256 * 1024,
} as const;

interface RefinementResult {
  needsRefinement: true;
  message: string;
  guidance: string;
  suggestions: string[];
  searchInstructions: string;
  samples: unknown[];
}

interface TruncatedResult {
  data: unknown;
  metadata: { originalCount: number; displayedCount: number; truncated: true; paginationHint: string };
}

type ShapingAction = Pick<ActionDefinition, 'id' | 'parameters' | 'response' | 'pagination'>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Caps every array in the value at SHAPING.maxArrayItems, returning how many items were dropped. */
export function capArrays(value: unknown, limit: number = SHAPING.maxArrayItems): { value: unknown; dropped: number } {
  let dropped = 0;
  const walk = (node: unknown, depth: number): unknown => {
    if (depth > 64) return node;
    if (Array.isArray(node)) {
      if (node.length > limit) dropped += node.length - limit;
      return node.slice(0, limit).map((item) => walk(item, depth + 1));
    }
    if (isRecord(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = walk(child, depth + 1);
      return out;
    }
    return node;
  };
  return { value: walk(value, 0), dropped };
}

const INDEX = /^\d+$/;

/** Dot path lookup; numeric segments index arrays (GraphQL answers nest lists in lists). */
function getPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let node = value;
  for (const key of path.split('.')) {
    if (Array.isArray(node) && INDEX.test(key)) node = node[Number(key)];
    else if (isRecord(node)) node = node[key];
    else return undefined;
  }
  return node;
}

function setPath(value: unknown, path: string, replacement: unknown): unknown {
  if (path === '') return replacement;
  const [head, ...rest] = path.split('.');
  if (head === undefined) return value;
  if (Array.isArray(value) && INDEX.test(head)) {
    const copy = [...value];
    copy[Number(head)] = setPath(value[Number(head)], rest.join('.'), replacement);
    return copy;
  }
  if (!isRecord(value)) return value;
  return { ...value, [head]: setPath(value[head], rest.join('.'), replacement) };
}

interface LocatedItems {
  path: string;
  items: unknown[];
  /** True when the action declares no list location (or a wrong one) and the list was found by looking. */
  inferred: boolean;
}

/**
 * Where the list is: the action's declared itemsPath; else the body itself when it is an array;
 * else its one top-level field holding an array of objects (two or more such fields are ambiguous,
 * so nothing is shaped).
 */
function locateItems(body: unknown, action: Pick<ActionDefinition, 'response'>): LocatedItems | undefined {
  const declared = action.response.itemsPath;
  if (declared !== undefined) {
    const items = getPath(body, declared);
    if (Array.isArray(items)) return { path: declared, items, inferred: false };
  }
  if (Array.isArray(body)) return { path: '', items: body, inferred: declared !== '' };
  if (!isRecord(body)) return undefined;
  const lists = Object.entries(body).filter(
    (entry): entry is [string, unknown[]] => Array.isArray(entry[1]) && entry[1].length > 0 && entry[1].every(isRecord),
  );
  const only = lists.length === 1 ? lists[0] : undefined;
  return only ? { path: only[0], items: only[1], inferred: true } : undefined;
}

function inferredNote(action: ShapingAction, located: LocatedItems): string[] {
  if (!located.inferred) return [];
  const where = located.path === '' ? 'the response body, a list' : `the field "${located.path}"`;
  return [`${action.id} declares no list location; shaped ${where} of ${located.items.length} items.`];
}

function nounOf(action: ShapingAction, path: string): string {
  const last = path.split('.').pop();
  if (last) return last;
  const words = action.id.split(/[_.-]/).filter((word) => !/^(list|get|search|all)$/i.test(word));
  return words.pop() ?? 'items';
}

const QUERY_LIKE = /^(q|query|search|filter|name|email|term|keyword|keywords|text|title|status|state|type|types|label|labels|since|updated_since|created_after|exclude_archived)$/i;
const LIMIT_LIKE = /^(limit|per_page|page_size|pageSize|maxResults|max_results|perPage|count|size|max|top|\$top)$/;

function sampleOf(item: unknown, fields: readonly string[] | undefined): unknown {
  if (!isRecord(item)) return item;
  const keys = fields && fields.length > 0 ? fields.filter((field) => field in item) : Object.keys(item).slice(0, 6);
  const out: Record<string, unknown> = {};
  for (const key of keys.slice(0, 8)) {
    const value = item[key];
    // Samples show what an item is, not everything in it: nested values are summarised.
    out[key] = isRecord(value) || Array.isArray(value) ? summarize(value) : value;
  }
  return out;
}

function summarize(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text.length <= 120 ? value : `${text.slice(0, 117)}...`;
}

function refinement(action: ShapingAction, noun: string, items: unknown[]): RefinementResult {
  const queryParams = action.parameters.filter((parameter) => parameter.in === 'query' || parameter.in === 'body');
  const limitParam =
    action.pagination?.limitParam ?? queryParams.find((parameter) => LIMIT_LIKE.test(parameter.name))?.name;
  const cursorParam = action.pagination?.cursorParam ?? action.pagination?.pageParam;
  const named = queryParams.filter(
    (parameter) => QUERY_LIKE.test(parameter.name) || (parameter.enum !== undefined && parameter.name !== limitParam),
  );
  // An imported action's filters rarely have telling names: then every other query parameter is one.
  const filters =
    named.length > 0
      ? named
      : queryParams.filter((parameter) => parameter.in === 'query' && parameter.name !== limitParam && parameter.name !== cursorParam);
  const suggestions: string[] = [];
  if (limitParam) suggestions.push(`Try: ${action.id} with ${limitParam} parameter (e.g., { ${limitParam}: 10 })`);
  for (const filter of filters.slice(0, 4)) {
    suggestions.push(`Filter ${noun} with ${filter.name}${filter.description ? `: ${filter.description}` : ''}`);
  }
  if (cursorParam) {
    const where = action.pagination?.cursorPath ? ` (the next value is at ${action.pagination.cursorPath} in the response)` : '';
    suggestions.push(`Page through ${noun} with ${cursorParam}${where}`);
  }
  if (suggestions.length === 0) suggestions.push(`Look up specific ${noun} by id with a more specific action of this connector`);
  const searchable = [...(limitParam ? queryParams.filter((parameter) => parameter.name === limitParam) : []), ...filters];
  const cursor = cursorParam ? queryParams.filter((parameter) => parameter.name === cursorParam) : [];
  const lines = [...searchable, ...cursor].map(
    (parameter) => `- ${parameter.name} (${parameter.in}): ${parameter.description ?? parameter.type}`,
  );
  return {
    needsRefinement: true,
    message: `Found ${items.length} ${noun}. This is too many to display effectively.`,
    guidance:
      "When dealing with large result sets, it's better to:\n1. Search for specific items by name or ID\n2. Use filtering parameters\n3. Paginate through results",
    suggestions,
    searchInstructions:
      lines.length > 0 ? `You can search using:\n${lines.join('\n')}` : `${action.id} has no search or limit parameters.`,
    samples: items.slice(0, SHAPING.samples).map((item) => sampleOf(item, action.response.itemFields)),
  };
}

/**
 * Shapes a parsed upstream body for an agent: lists over 50 items become guidance to refine the
 * request, 25–50 items are cut to 25 with a note, smaller results pass through. Arrays anywhere
 * are capped at 1000 items.
 */
export function shapeResponse(body: unknown, action: ShapingAction): { data: unknown; notes: string[] } {
  const notes: string[] = [];
  const located = locateItems(body, action);
  if (located && located.items.length > SHAPING.refineAbove) {
    return { data: refinement(action, nounOf(action, located.path), located.items), notes: inferredNote(action, located) };
  }
  const capped = capArrays(body);
  if (capped.dropped > 0) notes.push(`Arrays were cut to ${SHAPING.maxArrayItems} items (${capped.dropped} items left out).`);
  if (located && located.items.length >= SHAPING.truncateFrom) {
    notes.push(...inferredNote(action, located));
    const shown = located.items.slice(0, SHAPING.displayed);
    const truncated: TruncatedResult = {
      // A nested list keeps its envelope, so pagination cursors beside it stay visible.
      data: located.path === '' ? shown : setPath(capped.value, located.path, shown),
      metadata: {
        originalCount: located.items.length,
        displayedCount: shown.length,
        truncated: true,
        paginationHint: `Showing first ${shown.length} of ${located.items.length} items.`,
      },
    };
    return { data: truncated, notes };
  }
  return { data: capped.value, notes };
}

/** Keeps what goes back through Temporal under SHAPING.maxResultBytes, saying so when it cuts. */
export function boundResult(data: unknown, notes: string[]): { data: unknown; notes: string[] } {
  const text = JSON.stringify(data) ?? 'null';
  if (Buffer.byteLength(text) <= SHAPING.maxResultBytes) return { data, notes };
  const preview = Buffer.from(text).subarray(0, SHAPING.maxResultBytes - 1024).toString('utf8');
  return {
    data: { truncatedJson: preview },
    notes: [
      ...notes,
      `The result was ${Buffer.byteLength(text)} bytes, over the ${SHAPING.maxResultBytes}-byte limit; truncatedJson holds its beginning. Ask for fewer or smaller items.`,
    ],
  };
}
