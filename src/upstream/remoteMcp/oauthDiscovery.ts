import * as oauth from 'oauth4webapi';
import { fetch as undiciFetch, type Agent } from 'undici';
import type { Config } from '../../config.js';
import { cappedFetch, responseLimits } from '../boundedBody.js';
import { checkUrl } from '../egress.js';

/**
 * The requests discovery of a remote MCP server's authorization makes, all through the
 * egress-guarded dispatcher (activities/remoteMcpDiscovery.ts runs them as activities; the
 * remote MCP peers probe predefined entries' servers with probeChallenge, peers.ts).
 */

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export type DiscoveryHttp = { [oauth.customFetch]: typeof fetch; [oauth.allowInsecureRequests]?: true; signal?: AbortSignal };

/**
 * oauth4webapi options for one URL: the egress-guarded fetch, its answers read up to
 * OAUTH_MAX_RESPONSE_BYTES, and plain http only for this machine (tests, local dev).
 */
export function discoveryHttp(config: Pick<Config, 'egress' | 'upstream'>, agent: Agent, url: URL, timeoutMs: number): DiscoveryHttp {
  checkUrl(config.egress, url);
  const guardedFetch = cappedFetch((target, init: RequestInit) => {
    checkUrl(config.egress, new URL(target));
    return undiciFetch(target, { ...(init as object), dispatcher: agent, redirect: 'manual' }) as unknown as Promise<Response>;
  }, responseLimits(config).oauth) as typeof fetch;
  return {
    [oauth.customFetch]: guardedFetch,
    ...(url.protocol === 'http:' && LOOPBACK.has(url.hostname) ? { [oauth.allowInsecureRequests]: true as const } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  };
}

/**
 * Why a remote authorization server's authorization endpoint cannot be handed to a browser, or
 * undefined when it can: https, or plain http on this machine when the authorization server itself
 * is there (a development set-up; egress only reaches one when EGRESS_ALLOW_PRIVATE or
 * EGRESS_ALLOW_HOSTS lets it). The link goes to the console and to MCP clients (URL elicitation,
 * CREDENTIAL_NOT_FOUND details), where `javascript:` or `data:` would run as a page of theirs.
 */
export function authorizationEndpointProblem(endpoint: unknown, issuer: string): string | undefined {
  if (typeof endpoint !== 'string' || !URL.canParse(endpoint)) return 'is not a URL';
  const url = new URL(endpoint);
  if (url.protocol === 'https:') return undefined;
  const local = (candidate: URL) => candidate.protocol === 'http:' && LOOPBACK.has(candidate.hostname);
  if (local(url) && URL.canParse(issuer) && local(new URL(issuer))) return undefined;
  return `must be an https: URL, not ${url.protocol}`;
}

/** The Bearer challenge's parameters we use (RFC 6750 §3, RFC 9728 §5.1). */
export function bearerChallenge(header: string | null): { resourceMetadata?: string; scope?: string; error?: string } | undefined {
  if (!header || !/^\s*bearer\b/i.test(header)) return undefined;
  const param = (name: string) => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, 'i').exec(header)?.[1] ?? new RegExp(`\\b${name}\\s*=\\s*([^\\s,"]+)`, 'i').exec(header)?.[1];
  const resourceMetadata = param('resource_metadata');
  const scope = param('scope');
  const error = param('error');
  return { ...(resourceMetadata ? { resourceMetadata } : {}), ...(scope ? { scope } : {}), ...(error ? { error } : {}) };
}

/**
 * An unauthenticated MCP initialize: a server behind OAuth answers 401 with a Bearer challenge.
 * Some servers let initialize through and protect the operations after it (the spec allows it),
 * and a 2026-07-28 server has no initialize, so any other answer is followed by a tools/list (in
 * the session initialize opened, if it did), whose answer decides.
 * Used by discovery and, with a short timeout, to decide whether a predefined entry's server is
 * there at all.
 */
export async function probeChallenge(http: DiscoveryHttp, url: URL): Promise<{ status: number; challenge?: ReturnType<typeof bearerChallenge> }> {
  const post = async (message: Record<string, unknown>, session?: string) => {
    const response = await http[oauth.customFetch](url.href, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-11-25',
        ...(session ? { 'mcp-session-id': session } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', ...message }),
      ...(http.signal ? { signal: http.signal } : {}),
    });
    await response.body?.cancel().catch(() => undefined);
    const challenge = response.status === 401 ? bearerChallenge(response.headers.get('www-authenticate')) : undefined;
    return { status: response.status, session: response.headers.get('mcp-session-id') ?? undefined, ...(challenge ? { challenge } : {}) };
  };
  const initialized = await post({
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'switchboard', version: '0.1.0' } },
  });
  if (initialized.status === 401) return { status: 401, ...(initialized.challenge ? { challenge: initialized.challenge } : {}) };
  // A 2026-07-28 server has no initialize (it may refuse it, 400, before looking for a token).
  const { status, challenge } = await post({ id: 2, method: 'tools/list', params: {} }, initialized.session);
  return { status, ...(challenge ? { challenge } : {}) };
}

/** RFC 9728 §3.1: /.well-known/oauth-protected-resource inserted before the resource's path. */
export function wellKnownResourceMetadataUrl(resource: URL): string {
  const path = resource.pathname === '/' ? '' : resource.pathname.replace(/\/$/, '');
  return `${resource.origin}/.well-known/oauth-protected-resource${path}`;
}

