import * as oauth from 'oauth4webapi';
import { clientMetadataDocument, clientMetadataUrlOf, remoteMcpOAuthClientSecretContext } from '../remoteMcp/clientMetadata.js';
import { REMOTE_MCP_PREFIX } from '../remoteMcp/connector.js';
import { resolveEndpoint } from '../remoteMcp/variables.js';
import { callbackUrlOf } from '../credentials/oauthApps.js';
import { getRemoteMcpConnectorBySlug } from '../db/repositories/remoteMcpConnectors.js';
import { forgetRemoteMcpRegistration, getRemoteMcpOAuthClient, saveRemoteMcpOAuthClient } from '../db/repositories/remoteMcpOAuthClients.js';
import { getAttempt } from '../db/repositories/oauth.js';
import type { RemoteMcpConnectorRow } from '../db/tables/remoteMcpConnectors.js';
import type { RemoteMcpOAuthClientRow } from '../db/tables/remoteMcpOAuthClients.js';
import { SwitchboardError } from '../errors.js';
import { createUpstreamAgent } from '../upstream/egress.js';
import { switchboardErrorIn } from '../upstream/http.js';
import { authorizationEndpointProblem, discoveryHttp, probeChallenge, wellKnownResourceMetadataUrl } from '../upstream/remoteMcp/oauthDiscovery.js';
import type { ActivityDependencies } from './dependencies.js';

/**
 * Discovery and registration for `oauth` remote MCP connectors, as the MCP authorization spec
 * (2025-11-25) lays it out: the server's 401 names its protected resource metadata (RFC 9728),
 * which names the authorization server, whose metadata (RFC 8414, else OpenID discovery) says how
 * to register: a Client ID Metadata Document when it supports one, else Dynamic Client
 * Registration (RFC 7591). Each activity does one of these exchanges and records what it learned
 * in mcp_oauth_clients; histories carry only public metadata locations and booleans.
 */

/** A discovery failure no retry fixes: the server is not set up the way the spec asks. */
function misconfigured(message: string): SwitchboardError {
  return new SwitchboardError('UPSTREAM_REJECTED', message);
}

/** The resource must be the server itself or a prefix of it on the same origin, or tokens could be minted for another. */
function resourceCovers(resource: string, server: URL): boolean {
  if (!URL.canParse(resource)) return false;
  const declared = new URL(resource);
  if (declared.origin !== server.origin) return false;
  const path = declared.pathname.replace(/\/$/, '');
  return server.pathname === path || server.pathname.startsWith(`${path}/`) || path === '';
}

/** The body is read through discoveryHttp's fetch, which stops past OAUTH_MAX_RESPONSE_BYTES (ResponseTooLargeError). */
async function readJson(response: Response, what: string): Promise<Record<string, unknown>> {
  // A 5xx may pass: that one the activity's retries wait out.
  if (response.status >= 500) throw new SwitchboardError('UPSTREAM_ERROR', `${what} answered HTTP ${response.status}`);
  if (response.status !== 200) throw misconfigured(`${what} answered HTTP ${response.status}`);
  const text = await response.text();
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw misconfigured(`${what} is not a JSON object`);
}

/** The attempt's connector row: only `oauth` rows are discovered. */
async function connectorOfAttempt(deps: ActivityDependencies, attemptId: string) {
  const attempt = await getAttempt(deps.db, attemptId);
  if (!attempt) throw misconfigured(`OAuth attempt ${attemptId} does not exist`);
  const row = await getRemoteMcpConnectorBySlug(deps.db, attempt.account_id, attempt.connector_id.slice(REMOTE_MCP_PREFIX.length));
  if (!row || row.type !== 'oauth') throw misconfigured(`"${attempt.connector_id}" is not an oauth remote MCP connector`);
  return { attempt, row };
}

async function clientRow(deps: ActivityDependencies, row: RemoteMcpConnectorRow): Promise<RemoteMcpOAuthClientRow> {
  const client = await getRemoteMcpOAuthClient(deps.db, row.id);
  if (!client) throw misconfigured(`Discovery for "${row.name}" has not started`);
  return client;
}

/**
 * RFC 7591 §3.2.1 requires client_secret_expires_at beside a client_secret, which oauth4webapi
 * enforces; servers that leave it out mean a secret that does not expire, which is what 0 says.
 */
async function withSecretExpiry(response: Response): Promise<Response> {
  if (response.status !== 201 && response.status !== 200) return response;
  const body = (await response.clone().json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || typeof body.client_secret !== 'string' || 'client_secret_expires_at' in body) return response;
  return new Response(JSON.stringify({ ...body, client_secret_expires_at: 0 }), { status: response.status, headers: response.headers });
}

export function createRemoteMcpDiscoveryActivities(deps: ActivityDependencies) {
  const agent = createUpstreamAgent(deps.config);
  const timeoutMs = deps.config.remoteMcp.timeoutMs;

  return {
    /** The server's answer without a token: its Bearer challenge names the resource metadata, or the well-known location is used. */
    async probeRemoteMcpServer(input: { attemptId: string }): Promise<{ resourceMetadataUrl: string }> {
      const { row } = await connectorOfAttempt(deps, input.attemptId);
      const endpoint = await resolveEndpoint(deps, row);
      const { status, challenge } = await probeChallenge(discoveryHttp(deps.config, agent, endpoint.url, timeoutMs), endpoint.url);
      if (status !== 401) throw misconfigured(`${row.name} answered HTTP ${status} without a token: it does not ask for OAuth`);
      const resourceMetadataUrl = challenge?.resourceMetadata ?? wellKnownResourceMetadataUrl(endpoint.url);
      if (!URL.canParse(resourceMetadataUrl) || !/^https?:$/.test(new URL(resourceMetadataUrl).protocol)) {
        throw misconfigured(`${row.name} names resource metadata at an unusable URL`);
      }
      // Scopes accumulate (SEP-2350): a sign-in after a step-up keeps asking for what the step-up added.
      const stored = (await getRemoteMcpOAuthClient(deps.db, row.id))?.scopes ?? [];
      const challenged = challenge?.scope?.split(' ').filter((scope) => scope.length > 0) ?? [];
      await saveRemoteMcpOAuthClient(deps.db, row.id, { resourceMetadataUrl, ...(challenged.length > 0 ? { scopes: [...new Set([...stored, ...challenged])] } : {}) });
      return { resourceMetadataUrl };
    },

    /** RFC 9728: which resource this is and which authorization server issues its tokens. */
    async fetchProtectedResourceMetadata(input: { attemptId: string }): Promise<{ authorizationServer: string }> {
      const { row } = await connectorOfAttempt(deps, input.attemptId);
      const client = await clientRow(deps, row);
      const endpoint = await resolveEndpoint(deps, row);
      const get = (url: URL) => {
        const http = discoveryHttp(deps.config, agent, url, timeoutMs);
        return http[oauth.customFetch](url.href, { headers: { accept: 'application/json' }, signal: http.signal! });
      };
      let response = await get(new URL(client.resource_metadata_url!));
      // Not named by the challenge: the path-based well-known location first, then the root one (RFC 9728 §3.1).
      const root = new URL('/.well-known/oauth-protected-resource', endpoint.url);
      if (response.status === 404 && client.resource_metadata_url === wellKnownResourceMetadataUrl(endpoint.url) && root.href !== client.resource_metadata_url) {
        await response.body?.cancel().catch(() => undefined);
        response = await get(root);
        await saveRemoteMcpOAuthClient(deps.db, row.id, { resourceMetadataUrl: root.href });
      }
      const metadata = await readJson(response, 'The protected resource metadata');
      const resource = typeof metadata.resource === 'string' ? metadata.resource : undefined;
      if (!resource || !resourceCovers(resource, endpoint.url)) throw misconfigured(`The protected resource metadata of ${row.name} is for another resource`);
      const servers = Array.isArray(metadata.authorization_servers) ? metadata.authorization_servers.filter((s): s is string => typeof s === 'string') : [];
      const issuer = servers.find((server) => URL.canParse(server));
      if (!issuer) throw misconfigured(`The protected resource metadata of ${row.name} names no authorization server`);
      const supported = Array.isArray(metadata.scopes_supported) ? metadata.scopes_supported.filter((s): s is string => typeof s === 'string') : undefined;
      // The challenge's scope wins (MCP spec's scope selection); else what the resource supports.
      await saveRemoteMcpOAuthClient(deps.db, row.id, { resource, issuer, ...(client.scopes ? {} : { scopes: supported ?? null }) });
      // Another authorization server (SEP-2352): nothing registered with the previous one is used with it.
      if (client.issuer && client.issuer !== issuer) {
        await forgetRemoteMcpRegistration(deps.db, row.id);
      }
      return { authorizationServer: issuer };
    },

    /** RFC 8414 (then OpenID discovery) for the issuer; PKCE S256 is required, as the MCP spec says. */
    async fetchAuthorizationServerMetadata(input: { attemptId: string }): Promise<{ clientIdMetadataDocument: boolean; registration: boolean }> {
      const { row } = await connectorOfAttempt(deps, input.attemptId);
      const client = await clientRow(deps, row);
      const issuer = new URL(client.issuer!);
      let as: oauth.AuthorizationServer | undefined;
      for (const algorithm of ['oauth2', 'oidc'] as const) {
        const http = discoveryHttp(deps.config, agent, issuer, timeoutMs);
        const response = await oauth.discoveryRequest(issuer, { ...http, algorithm });
        if (response.status === 404 && algorithm === 'oauth2') continue;
        try {
          as = await oauth.processDiscoveryResponse(issuer, response);
        } catch (error) {
          // An answer over the limit says so (ResponseTooLargeError, wrapped by oauth4webapi as the cause).
          throw switchboardErrorIn(error) ?? misconfigured(`The authorization server metadata of ${issuer.host} is not usable: ${(error as Error).message}`);
        }
        break;
      }
      if (!as?.authorization_endpoint || !as.token_endpoint) throw misconfigured(`${issuer.host} publishes no authorization and token endpoints`);
      const unusable = authorizationEndpointProblem(as.authorization_endpoint, as.issuer);
      if (unusable) throw misconfigured(`The authorization endpoint of ${issuer.host} ${unusable}`);
      if (!as.code_challenge_methods_supported?.includes('S256')) throw misconfigured(`${issuer.host} does not support PKCE with S256`);
      await saveRemoteMcpOAuthClient(deps.db, row.id, { serverMetadata: as as Record<string, unknown> });
      return { clientIdMetadataDocument: as.client_id_metadata_document_supported === true, registration: typeof as.registration_endpoint === 'string' };
    },

    /** Our Client ID Metadata Document URL when the server takes one (no request), else RFC 7591 registration. */
    async registerRemoteClient(input: { attemptId: string }): Promise<{ registration: 'cimd' | 'dcr' | 'preregistered' }> {
      const { attempt, row } = await connectorOfAttempt(deps, input.attemptId);
      const client = await clientRow(deps, row);
      const as = client.server_metadata as unknown as oauth.AuthorizationServer;
      const publicUrl = attempt.callback_url.slice(0, -callbackUrlOf('').length);
      // Every sign-in discovers again; a client registered with this same authorization server is kept.
      if ((client.registration === 'dcr' || client.registration === 'preregistered') && client.client_id) return { registration: client.registration };
      if (as.client_id_metadata_document_supported === true) {
        await saveRemoteMcpOAuthClient(deps.db, row.id, { registration: 'cimd', clientId: clientMetadataUrlOf(publicUrl), tokenEndpointAuthMethod: 'none', clientSecretEncrypted: null, keyId: null });
        return { registration: 'cimd' };
      }
      if (!as.registration_endpoint) {
        throw misconfigured(`${new URL(as.issuer).host} offers neither Client ID Metadata Documents nor Dynamic Client Registration`);
      }
      const methods = as.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
      const requestedMethod = methods.includes('none') ? 'none' : methods.includes('client_secret_post') && !methods.includes('client_secret_basic') ? 'client_secret_post' : 'client_secret_basic';
      const { client_id: _unused, ...metadata } = clientMetadataDocument(publicUrl);
      const http = discoveryHttp(deps.config, agent, new URL(as.registration_endpoint), timeoutMs);
      let registered: oauth.OmitSymbolProperties<oauth.Client>;
      try {
        const response = await oauth.dynamicClientRegistrationRequest(
          as,
          { ...metadata, token_endpoint_auth_method: requestedMethod },
          http,
        );
        registered = await oauth.processDynamicClientRegistrationResponse(await withSecretExpiry(response));
      } catch (error) {
        if (error instanceof oauth.ResponseBodyError && error.status < 500) throw misconfigured(`Registering with ${new URL(as.issuer).host} failed: ${error.error}`);
        const own = switchboardErrorIn(error);
        if (own) throw own;
        // An answer that is not a registration: trying again gets the same one.
        if (error instanceof oauth.OperationProcessingError) throw misconfigured(`Registering with ${new URL(as.issuer).host} failed: ${error.message}`);
        throw error;
      }
      const secret = typeof registered.client_secret === 'string' ? registered.client_secret : undefined;
      const sealed = secret ? deps.secretBox.seal(secret, remoteMcpOAuthClientSecretContext(row.id)) : null;
      await saveRemoteMcpOAuthClient(deps.db, row.id, {
        registration: 'dcr',
        clientId: registered.client_id,
        // A server that does not echo the method registered what we asked for (RFC 7591 §3.2.1 says it echoes all).
        tokenEndpointAuthMethod: typeof registered.token_endpoint_auth_method === 'string' ? registered.token_endpoint_auth_method : requestedMethod,
        clientSecretEncrypted: sealed,
        keyId: sealed ? (deps.secretBox.keyIdOf(sealed) ?? deps.secretBox.currentKeyId) : null,
      });
      return { registration: 'dcr' };
    },
  };
}
