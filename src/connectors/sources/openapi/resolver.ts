/** $ref resolution and schema typing over one OpenAPI document. */

type Json = any;

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
      // Every keyword of every part is kept (readOnly, enum, format, items…); properties named in
      // several parts merge, so a part that adds readOnly to an inherited field still counts.
      const { allOf, ...own } = s;
      let merged: Json = {};
      for (const part of [...(allOf as Json[]).map((x) => this.schema(x, depth + 1)), own]) merged = mergeSchemas(merged, part);
      if (merged.properties && !merged.type) merged.type = 'object';
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

/** Two schemas that must both hold, as one: later keywords win, properties and required accumulate. */
function mergeSchemas(a: Json, b: Json): Json {
  if (!b || typeof b !== 'object') return a;
  const out: Json = { ...a, ...b };
  if (a.properties || b.properties) {
    const properties: Json = { ...a.properties };
    for (const [name, schema] of Object.entries(b.properties ?? {})) {
      const before = properties[name];
      // Both hold: resolved (and flattened) when the property is read.
      properties[name] = before && typeof before === 'object' && schema && typeof schema === 'object' ? { allOf: [before, schema] } : schema;
    }
    out.properties = properties;
  }
  const required = [...new Set([...(Array.isArray(a.required) ? a.required : []), ...(Array.isArray(b.required) ? b.required : [])])];
  if (required.length > 0) out.required = required;
  else delete out.required;
  if (a.type && b.type === 'object' && a.type !== 'object' && !b.properties) out.type = a.type;
  if (a.description && !b.description) out.description = a.description;
  return out;
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
