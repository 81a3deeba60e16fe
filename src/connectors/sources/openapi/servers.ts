/** Server URLs of an OpenAPI document. */
import { trimText } from './names.js';

type Json = any;

export function isHttpUrl(u: unknown): u is string {
  return typeof u === 'string' && /^https?:\/\/[^\s/]+/.test(u);
}

/**
 * The document's absolute server URL (https preferred) with its variables; when there is none,
 * `problem` says why and what to give instead, for the importer's error.
 */
export function baseUrlFrom(spec: Json): { baseUrl?: string; variables?: Json[]; problem?: string } {
  const servers: Json[] = (spec.servers ?? []).map((s: Json) =>
    typeof s?.url === 'string' && s.url.startsWith('//') ? { ...s, url: `https:${s.url}` } : s,
  );
  const server = servers.find((s: Json) => isHttpUrl(s?.url) && s.url.startsWith('https:')) ?? servers.find((s: Json) => isHttpUrl(s?.url));
  if (!server) {
    const relative = servers.find((s: Json) => typeof s?.url === 'string' && s.url)?.url;
    return {
      problem: relative
        ? `give baseUrl: the document's server URL "${trimText(relative, 200)}" is relative, and Switchboard needs the absolute URL of the API`
        : 'give baseUrl: the document names no server URL',
    };
  }
  const url = String(server.url).replace(/\/+$/, '');
  if (/localhost|127\.0\.0\.1|\[::1\]/.test(url)) {
    return {
      problem:
        `give baseUrl: the document's server is localhost (${trimText(url, 200)}), which would be Switchboard's own host, not your API; ` +
        'give the address Switchboard reaches the API at (a private host must also be listed in EGRESS_ALLOW_HOSTS)',
    };
  }
  if (/example\.(com|org)|\{\{/.test(url)) {
    return { problem: `give baseUrl: the document's server (${trimText(url, 200)}) is a placeholder` };
  }
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
