/** Response shape (item arrays, fields) and pagination style of converted OpenAPI operations. */
import { jsonType, type SpecResolver } from './resolver.js';
import type { ConvertedAction } from './types.js';

type Json = any;

const CURSOR_PARAMS = [
  'cursor',
  'pageToken',
  'page_token',
  'starting_after',
  'next_page_token',
  'nextPageToken',
  'continuation',
  'continuationToken',
  'after',
  'marker',
  'page_cursor',
  'startCursor',
  'start_cursor',
];
const CURSOR_RESPONSE_FIELDS = [
  'nextPageToken',
  'next_page_token',
  'next_cursor',
  'nextCursor',
  'next_page_cursor',
  'cursor',
  'continuation',
  'nextLink',
  'next',
];
const LIMIT_PARAMS = [
  'limit',
  'per_page',
  'page_size',
  'pageSize',
  'maxResults',
  'max_results',
  'perPage',
  'count',
  'size',
  'max',
  'top',
  '$top',
  'PageSize',
];
const ITEM_ARRAY_NAMES = [
  'data',
  'items',
  'results',
  'records',
  'values',
  'value',
  'entries',
  'elements',
  'list',
  'objects',
  'channels',
  'members',
  'users',
  'files',
  'messages',
  'events',
  'issues',
  'projects',
  'contacts',
];

export function responseInfo(r: SpecResolver, op: Json): { response: ConvertedAction['response']; topFields: string[] } {
  const responses = op.responses ?? {};
  const code = Object.keys(responses)
    .filter((c) => /^2\d\d$/.test(c) || c === '2XX' || c === 'default')
    .sort()[0];
  if (!code) return { response: {}, topFields: [] };
  const resp = r.ref(responses[code]);
  const content = resp?.content ?? {};
  const key = Object.keys(content).find((k) => /json/i.test(k));
  if (!key) return { response: {}, topFields: [] };
  const s = r.schema(content[key]?.schema ?? {});
  const itemFieldsOf = (items: Json): string[] | undefined => {
    const it = r.schema(items ?? {});
    const props = it?.properties ? Object.keys(it.properties).slice(0, 12) : [];
    return props.length > 0 ? props : undefined;
  };
  if (jsonType(s) === 'array') {
    const itemFields = itemFieldsOf(s.items);
    return { response: { itemsPath: '', ...(itemFields ? { itemFields } : {}) }, topFields: [] };
  }
  if (!s?.properties || typeof s.properties !== 'object') return { response: {}, topFields: [] };
  const names = Object.keys(s.properties);
  const fields = names.slice(0, 30);
  const arrays = names.filter((n) => {
    const ps = r.schema(s.properties[n]);
    return jsonType(ps) === 'array' && jsonType(r.schema(ps.items ?? {})) === 'object';
  });
  const out: ConvertedAction['response'] = { fields };
  const itemsName = arrays.find((a) => ITEM_ARRAY_NAMES.includes(a)) ?? (arrays.length === 1 ? arrays[0] : undefined);
  if (itemsName && (op.__method === 'GET' || arrays.length === 1)) {
    out.itemsPath = itemsName;
    const f = itemFieldsOf(r.schema(s.properties[itemsName]).items);
    if (f) out.itemFields = f;
  }
  return { response: out, topFields: names };
}

export function detectPagination(queryNames: Set<string>, topFields: string[], style: 'link' | undefined): Json | undefined {
  const limitParam = LIMIT_PARAMS.find((p) => queryNames.has(p));
  const cursorParam = CURSOR_PARAMS.find((p) => queryNames.has(p));
  if (cursorParam) {
    let cursorPath: string | undefined;
    if (topFields.includes('response_metadata')) cursorPath = 'response_metadata.next_cursor';
    else if (cursorParam === 'starting_after') cursorPath = undefined;
    else cursorPath = CURSOR_RESPONSE_FIELDS.find((f) => topFields.includes(f));
    return {
      style: 'cursor',
      cursorParam,
      ...(cursorPath ? { cursorPath } : {}),
      ...(limitParam ? { limitParam } : {}),
    };
  }
  const pageParam = ['page', 'page_number', 'pageNumber', 'Page'].find((p) => queryNames.has(p));
  if (pageParam) {
    return { style: style ?? 'page', pageParam, ...(limitParam ? { limitParam } : {}) };
  }
  if (queryNames.has('offset') || queryNames.has('skip') || queryNames.has('start')) {
    return { style: 'offset', ...(limitParam ? { limitParam } : {}) };
  }
  return undefined;
}
