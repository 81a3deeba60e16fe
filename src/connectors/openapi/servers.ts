/** Server URLs of an OpenAPI document. */
import { trimText } from './names.js';

type Json = any;

export function isHttpUrl(u: unknown): u is string {
  return typeof u === 'string' && /^https?:\/\/[^\s/]+/.test(u);
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
