/**
 * OpenAPI 3 -> connector definition conversion, shared by the catalogue build
 * (scripts/catalog/build.ts) and custom-connector import (src/connectors/sources/openapi/import.ts),
 * so both produce the same shapes. Pure functions; no file-system access.
 */
import { humanize, resourceFor, sanitizeActionId, slugify, trimText } from './names.js';
import { actionParameters } from './parameters.js';
import { SpecResolver } from './resolver.js';
import { detectPagination, responseInfo } from './response.js';
import type { ConvertOptions, ConvertedAction, ConvertedResource } from './types.js';

type Json = any;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const METHOD_ORDER: Record<string, number> = { GET: 0, POST: 1, PATCH: 2, PUT: 3, DELETE: 4 };

/** Convert every usable operation of a spec; returns actions sorted by preference (not yet capped). */
export function convertOperations(
  spec: Json,
  opts: ConvertOptions,
  apiKeyParamNames: Set<string>,
  /** The variant ids an operation accepts when they differ from the connector's (authFromSpec). */
  operationAuth?: (op: Json) => string[] | undefined,
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
      const converted = actionParameters(r, item, op, path, opts, apiKeyParamNames);
      if (!converted) {
        skipped++;
        continue;
      }
      const { params, bodyEncoding } = converted;
      const { response, topFields } = responseInfo(r, op);
      const queryNames = new Set(params.filter((p) => p.in === 'query').map((p) => p.name as string));
      const pagination = method === 'GET' ? detectPagination(queryNames, topFields, opts.paginationStyle) : undefined;
      const res = resourceFor(op, path);
      if (!resources.has(res.id)) {
        const description = tagDescriptions.get(res.id);
        resources.set(res.id, { id: res.id, name: res.name, ...(description ? { description } : {}) });
      }
      const auth = operationAuth?.(op);
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
        ...(auth ? { auth } : {}),
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
