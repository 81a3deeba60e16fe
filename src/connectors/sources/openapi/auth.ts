/**
 * Connector auth methods from an OpenAPI document's security schemes and security requirements.
 * One requirement naming several schemes means all of them together (Plaid's client id, secret and
 * version headers): it becomes one `apiKeys` method with a field per key, never either/or methods.
 * Operations whose requirements differ from the connector's get their own list of variant ids.
 */
import { isHttpUrl } from './servers.js';

type Json = any;

export interface SpecAuth {
  methods: Json[];
  apiKeyParams: Set<string>;
  hadSchemes: boolean;
  /** The variant ids one operation accepts, when they differ from the connector's ([] = no credential). */
  operationAuth(op: Json): string[] | undefined;
}

const variantIdOf = (schemeNames: string[]): string =>
  schemeNames
    .join('+')
    .replace(/[^A-Za-z0-9_.+-]+/g, '_')
    .replace(/\+/g, '.')
    .slice(0, 64) || 'auth';

function schemeMethod(s: Json, scopesOverride: string[] | undefined): Json | undefined {
  if (!s || typeof s !== 'object') return undefined;
  if (s.type === 'oauth2') {
    const flow = s.flows?.authorizationCode;
    // implicit / client-credentials / password flows: the resulting access token is a bearer token
    if (!(flow && isHttpUrl(flow.authorizationUrl) && isHttpUrl(flow.tokenUrl ?? flow.refreshUrl))) return { type: 'bearer' };
    const available = Object.keys(flow.scopes ?? {}).filter((x) => x.length > 0 && x.length <= 512).sort();
    return {
      type: 'oauth2',
      authorizationUrl: flow.authorizationUrl,
      tokenUrl: flow.tokenUrl ?? flow.refreshUrl,
      scopes: scopesOverride ?? (available.length <= 5 ? available : []),
      ...(available.length > 0 ? { availableScopes: available.slice(0, 300) } : {}),
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: true,
    };
  }
  if (s.type === 'apiKey') {
    if ((s.in !== 'header' && s.in !== 'query') || typeof s.name !== 'string' || !s.name) return undefined;
    if (s.in === 'header' && s.name.toLowerCase() === 'authorization') return { type: 'bearer' };
    return { type: 'apiKey', in: s.in, name: s.name };
  }
  if (s.type === 'http') {
    const scheme = String(s.scheme ?? '').toLowerCase();
    if (scheme === 'basic') return { type: 'basic' };
    if (scheme === 'bearer') return { type: 'bearer' };
    return undefined;
  }
  if (s.type === 'openIdConnect') return { type: 'bearer' };
  return undefined;
}

/** One requirement (schemes met together) as one method, or undefined when Switchboard cannot send it. */
function requirementMethod(names: string[], schemes: Record<string, Json>, scopesOverride: string[] | undefined): Json | undefined {
  const parts = names.map((name) => ({ name, scheme: schemes[name], method: schemeMethod(schemes[name], scopesOverride) }));
  if (parts.some((part) => !part.method)) return undefined;
  // Two OAuth schemes (Google's oauth2 and oauth2c) are one token.
  const distinct = parts.filter((part, i) => !(part.method.type === 'oauth2' && parts.slice(0, i).some((other) => other.method.type === 'oauth2')));
  if (distinct.length === 1) return distinct[0]!.method;
  if (distinct.every((part) => part.scheme?.type === 'apiKey')) {
    return {
      type: 'apiKeys',
      keys: distinct.map((part) => ({
        name: part.scheme.name,
        in: part.scheme.in,
        description: String(part.scheme.description ?? `Sent in the ${part.scheme.in === 'header' ? 'header' : 'query parameter'} "${part.scheme.name}"`).slice(0, 500),
      })),
    };
  }
  // Keys together with an OAuth token or a password: not expressible as one credential today.
  return undefined;
}

/** Auth methods from components.securitySchemes and the security requirements. */
export function authFromSpec(spec: Json, scopesOverride?: string[]): SpecAuth {
  const schemes: Record<string, Json> = spec.components?.securitySchemes ?? {};
  const apiKeyParams = new Set<string>();
  for (const s of Object.values(schemes) as Json[]) {
    if (s?.type === 'apiKey' && (s.in === 'header' || s.in === 'query') && typeof s.name === 'string' && s.name) apiKeyParams.add(s.name);
  }
  const requirementsOf = (security: unknown): string[][] | undefined =>
    Array.isArray(security)
      ? security.filter((r) => r && typeof r === 'object').map((r: Json) => Object.keys(r).filter((name) => schemes[name]).sort())
      : undefined;
  const operations: Json[] = [];
  for (const item of Object.values(spec.paths ?? {}) as Json[]) {
    for (const m of ['get', 'post', 'put', 'patch', 'delete']) if (item?.[m] && typeof item[m] === 'object') operations.push(item[m]);
  }
  const declared = [requirementsOf(spec.security) ?? [], ...operations.map((op) => requirementsOf(op.security) ?? [])].flat();
  const requirements = declared.some((names) => names.length > 0)
    ? declared.filter((names) => names.length > 0)
    : Object.keys(schemes).sort().map((name) => [name]);

  const methods: Json[] = [];
  /** Requirement key -> the variant id of the method that meets it. */
  const variantOf = new Map<string, string>();
  const byContent = new Map<string, string>();
  // The document's own order (its global requirements first): the first method is the default variant.
  for (const names of new Map(requirements.map((names) => [names.join('+'), names])).values()) {
    const method = requirementMethod(names, schemes, scopesOverride);
    if (!method) continue;
    const content = JSON.stringify(method);
    let id = byContent.get(content);
    if (!id && methods.length < 5) {
      id = variantIdOf(names);
      byContent.set(content, id);
      methods.push({ ...method, id });
    }
    if (id) variantOf.set(names.join('+'), id);
  }
  const all = methods.map((method) => method.id as string);
  const connectorSet = JSON.stringify([...all].sort());
  return {
    methods,
    apiKeyParams,
    hadSchemes: Object.keys(schemes).length > 0,
    operationAuth(op) {
      const own = requirementsOf(op?.security) ?? requirementsOf(spec.security);
      if (!own) return undefined;
      // An empty requirement ({}) makes auth optional: any credential, or none.
      if (own.length === 0 || own.some((names) => names.length === 0)) return own.length === 0 ? [] : undefined;
      const ids = [...new Set(own.map((names) => variantOf.get(names.join('+'))).filter((id): id is string => id !== undefined))].sort();
      return ids.length === 0 || JSON.stringify(ids) === connectorSet ? undefined : ids;
    },
  };
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
