/** Operation parameters and request bodies -> action parameters. */
import { trimText } from './names.js';
import { jsonType, type SpecResolver } from './resolver.js';
import type { ConvertOptions } from './types.js';

type Json = any;

const MAX_PARAMS = 40;
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

function smallSchema(r: SpecResolver, raw: Json, depth: number): Json {
  const s = r.schema(raw);
  const type = jsonType(s);
  const out: Json = { type };
  if (type === 'array') {
    out.items = smallSchema(r, s.items ?? {}, depth);
  } else if (type === 'object' && depth > 0 && s.properties && typeof s.properties === 'object') {
    const props: Json = {};
    const writable = Object.keys(s.properties).filter((key) => r.schema(s.properties[key])?.readOnly !== true);
    for (const key of writable.slice(0, 15)) props[key] = smallSchema(r, s.properties[key], depth - 1);
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
  if (type === 'string' && typeof s.format === 'string' && s.format) param.format = s.format.slice(0, 64);
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

function pickBodyContent(content: Json): { encoding: 'json' | 'form'; schema: Json; fieldEncodings: Json } | undefined {
  if (!content || typeof content !== 'object') return undefined;
  const keys = Object.keys(content);
  const json = keys.find((k) => /^application\/(.+\+)?json/i.test(k)) ?? keys.find((k) => /json/i.test(k));
  if (json) return { encoding: 'json', schema: content[json]?.schema ?? {}, fieldEncodings: {} };
  const form = keys.find((k) => /x-www-form-urlencoded/i.test(k));
  if (form) return { encoding: 'form', schema: content[form]?.schema ?? {}, fieldEncodings: content[form]?.encoding ?? {} };
  return undefined;
}

const STYLES = new Set(['form', 'simple', 'label', 'matrix', 'spaceDelimited', 'pipeDelimited', 'deepObject']);
const DEFAULT_STYLE: Record<string, string> = { query: 'form', path: 'simple', header: 'simple', body: 'form' };

/**
 * How the value goes on the wire (OpenAPI style/explode, or JSON text for a `content` parameter),
 * written down only where it differs from the location's default.
 */
function serialization(location: string, source: Json): Json {
  const out: Json = {};
  const content = source?.content ?? (source?.contentType ? { [source.contentType]: {} } : undefined);
  if (!source?.style && content && Object.keys(content).some((type) => /json/i.test(type))) return { contentType: 'application/json' };
  const style = STYLES.has(source?.style) ? source.style : undefined;
  const effective = style ?? DEFAULT_STYLE[location];
  if (style && style !== DEFAULT_STYLE[location]) out.style = style;
  if (location === 'body' && style) out.style = style;
  if (typeof source?.explode === 'boolean' && source.explode !== (effective === 'form')) out.explode = source.explode;
  return out;
}

/**
 * Path, query, header and body parameters of one operation (path-item parameters first, overridden by the
 * operation's own), or undefined when the operation cannot be expressed as an action.
 */
export function actionParameters(
  r: SpecResolver,
  item: Json,
  op: Json,
  path: string,
  opts: ConvertOptions,
  apiKeyParamNames: Set<string>,
): { params: Json[]; bodyEncoding: 'json' | 'form' } | undefined {
  const params: Json[] = [];
  const seen = new Set<string>();
  const allParams: Json[] = [];
  const opParams: Json[] = (op.parameters ?? []).map((p: Json) => r.ref(p));
  const opParamKeys = new Set(opParams.map((p) => `${p?.in}:${p?.name}`));
  for (const p of (item.parameters ?? []).map((x: Json) => r.ref(x))) {
    if (!opParamKeys.has(`${p?.in}:${p?.name}`)) allParams.push(p);
  }
  allParams.push(...opParams);
  // Path parameters keep their names: a namesake elsewhere is the one renamed.
  allParams.sort((a, b) => Number(b?.in === 'path') - Number(a?.in === 'path'));
  /** A name already taken by a parameter elsewhere: this one is renamed after its location and sent under its own. */
  const nameFor = (name: string, location: string): { name: string; wireName?: string } =>
    seen.has(name) ? { name: `${location}_${name}`, wireName: name } : { name };
  const taken = new Set<string>();
  for (const p of allParams) {
    if (!p || typeof p.name !== 'string' || !p.name) continue;
    // Some documents label query parameters as path parameters; the template decides.
    const loc = p.in === 'path' && !path.includes(`{${p.name}}`) ? 'query' : p.in;
    if (loc !== 'path' && loc !== 'query' && loc !== 'header') continue;
    if (loc === 'header' && DROP_HEADERS.has(p.name.toLowerCase())) continue;
    if (loc !== 'path' && (opts.dropParams.has(p.name) || apiKeyParamNames.has(p.name))) continue;
    if (taken.has(`${loc}:${p.name}`)) continue;
    // Django-style lookup variants (name__ic, id__gte, ...) bloat list operations; keep the base filter only
    if (loc === 'query' && /__(n|ic|nic|iew|niew|isw|nisw|ie|nie|gte|gt|lte|lt|empty|regex|iregex|isnull|in)$/.test(p.name)) continue;
    taken.add(`${loc}:${p.name}`);
    const named = nameFor(p.name, loc);
    if (seen.has(named.name)) continue;
    seen.add(named.name);
    const rawSchema = p.schema ?? (p.content ? (Object.values(p.content)[0] as Json)?.schema : undefined) ?? {};
    params.push({
      ...buildParam(r, named.name, loc, rawSchema, loc === 'path' ? true : p.required === true, p.description, p),
      ...(named.wireName ? { wireName: named.wireName } : {}),
      ...serialization(loc, p),
    });
  }
  for (const mm of path.matchAll(/\{([^}]+)\}/g)) {
    const name = mm[1] ?? '';
    if (!params.some((p) => p.in === 'path' && p.name === name)) {
      if (seen.has(name)) return undefined;
      seen.add(name);
      params.push({ name, in: 'path', type: 'string', required: true });
    }
  }
  let bodyEncoding: 'json' | 'form' = 'json';
  if (op.requestBody) {
    const rb = r.ref(op.requestBody);
    const picked = pickBodyContent(rb?.content);
    if (!picked) {
      if (rb?.required) return undefined;
    } else {
      bodyEncoding = picked.encoding;
      const bs = r.schema(picked.schema);
      if (bs?.properties && typeof bs.properties === 'object') {
        const req = new Set<string>(Array.isArray(bs.required) ? bs.required : []);
        let n = 0;
        for (const name of Object.keys(bs.properties)) {
          const ps = r.schema(bs.properties[name]);
          if (ps?.readOnly === true || opts.dropParams.has(name)) continue;
          const named = nameFor(name, 'body');
          if (seen.has(named.name)) continue;
          if (n++ >= 50) break;
          seen.add(named.name);
          params.push({
            ...buildParam(r, named.name, 'body', ps, req.has(name), ps?.description, ps),
            ...(named.wireName ? { wireName: named.wireName } : {}),
            ...(bodyEncoding === 'form' ? serialization('body', picked.fieldEncodings[name]) : {}),
          });
        }
        // A required field the document never describes still has to be sent.
        for (const name of req) {
          if (name in bs.properties || opts.dropParams.has(name)) continue;
          const named = nameFor(name, 'body');
          if (seen.has(named.name)) continue;
          seen.add(named.name);
          params.push({ name: named.name, in: 'body', type: 'string', required: true, ...(named.wireName ? { wireName: named.wireName } : {}) });
        }
      } else if (jsonType(bs) !== 'object' && rb?.required) {
        // non-object bodies (arrays, strings) cannot be expressed as named parameters
        return undefined;
      }
    }
  }
  if (params.length > MAX_PARAMS) {
    const keep = params.filter((p) => p.in === 'path' || p.required === true);
    const optional = params.filter((p) => !(p.in === 'path' || p.required === true));
    const kept = new Set([...keep, ...optional.slice(0, Math.max(0, MAX_PARAMS - keep.length))]);
    params.splice(0, params.length, ...params.filter((p) => kept.has(p)));
  }
  return { params, bodyEncoding };
}
