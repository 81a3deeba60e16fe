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
