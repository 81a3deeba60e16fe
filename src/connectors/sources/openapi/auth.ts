/** Connector auth methods from an OpenAPI document's security schemes. */
import { isHttpUrl } from './servers.js';

type Json = any;

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
