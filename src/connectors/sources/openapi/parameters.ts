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
  for (const p of allParams) {
    if (!p || typeof p.name !== 'string' || !p.name) continue;
    // Some documents label query parameters as path parameters; the template decides.
    const loc = p.in === 'path' && !path.includes(`{${p.name}}`) ? 'query' : p.in;
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
          if (ps?.readOnly === true || seen.has(name) || opts.dropParams.has(name)) continue;
          if (n++ >= 50) break;
          seen.add(name);
          params.push(buildParam(r, name, 'body', ps, req.has(name), ps?.description, ps));
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
