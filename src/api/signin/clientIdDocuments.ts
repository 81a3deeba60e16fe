import CachePolicy from 'http-cache-semantics';
import { LRUCache } from 'lru-cache';
import type { AdapterPayload, errors as OidcErrors } from 'oidc-provider';
import { request, type Agent } from 'undici';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Logger } from '../../observability/logger.js';
import { checkUrl, createUpstreamAgent, type EgressPolicy } from '../../upstream/egress.js';
import { clientMetadataProblem } from './clientMetadataLimits.js';

/** The draft's advice: a client's document fits in 5 KB. Reading stops there. */
const MAX_DOCUMENT_BYTES = 5 * 1024;
/** One sign-in looks its client up several times within seconds: one fetch serves them all. */
const MIN_CACHE_MS = 30_000;
/** A client's changed document (a new redirect URI, a revoked one) is seen within a day. */
const MAX_CACHE_MS = 86_400_000;
const MAX_CACHED_DOCUMENTS = 1_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A client_id that names a Client ID Metadata Document rather than a registered client. */
export const isClientIdUrl = (clientId: string) => /^https?:\/\//i.test(clientId);

/**
 * Why a URL cannot be a client id (draft-ietf-oauth-client-id-metadata-document §3), or undefined:
 * https with a path, no fragment, no user or password, no dot segments. Plain http only for this
 * machine, and only where the development sign-in is on (as a client on a developer's laptop).
 */
function clientIdUrlProblem(clientId: string, loopbackHttp: boolean): string | undefined {
  if (/[\s\\]/.test(clientId) || !URL.canParse(clientId)) return 'is not a URL';
  const url = new URL(clientId);
  if (url.protocol === 'http:') {
    if (!loopbackHttp) return 'must be an https: URL';
    if (!LOOPBACK_HOSTS.has(url.hostname)) return 'must be an https: URL (plain http only for this machine)';
  } else if (url.protocol !== 'https:') return 'must be an https: URL';
  if (url.pathname === '/') return 'must have a path';
  if (url.hash || clientId.includes('#')) return 'must not have a fragment';
  if (url.username || url.password) return 'must not carry a user or password';
  const path = clientId.slice(clientId.indexOf('//') + 2).replace(/^[^/?]*/, '').split('?')[0]!;
  if (path.split('/').some((segment) => ['.', '..'].includes(segment.replace(/%2e/gi, '.')))) return 'must not have . or .. segments';
  return undefined;
}

/**
 * What a document must say: who it is (its own URL), where codes may go, and no secret, since
 * anyone can read it (§4: public clients, or private_key_jwt, which this server does not offer).
 */
const clientIdDocument = z.looseObject({
  client_id: z.string(),
  redirect_uris: z.array(z.string()).min(1, 'must list at least one redirect URI'),
  token_endpoint_auth_method: z.literal('none', 'must be "none": a public document can hold no secret').default('none'),
  client_secret: z.undefined('must not hold a client_secret').optional(),
  client_secret_expires_at: z.undefined('must not hold client_secret_expires_at').optional(),
});

class DocumentRefused extends Error {}

/**
 * Client ID Metadata Documents for sign-in: an MCP client names the https URL of a JSON document
 * describing it as its client_id, and we fetch that instead of having it register. The fetch goes
 * through the egress guard, is bounded in size (while streaming) and time
 * (SIGNIN_CLIENT_METADATA_TIMEOUT_MS), and is cached per its HTTP caching headers, within
 * MIN_CACHE_MS..MAX_CACHE_MS. Errors are oidc-provider's invalid_client, so the client is told why.
 */
export class ClientIdMetadataDocuments {
  readonly #agent: Agent;
  readonly #policy: EgressPolicy;
  readonly #loopbackHttp: boolean;
  readonly #timeoutMs: number;
  readonly #cache: LRUCache<string, AdapterPayload>;

  constructor(
    config: Pick<Config, 'egress' | 'signin'>,
    private readonly errors: typeof OidcErrors,
    private readonly logger: Logger,
  ) {
    this.#loopbackHttp = config.signin.devLogin;
    // A loopback client id is only taken in development, and is then fetched where it points.
    this.#policy = this.#loopbackHttp ? { ...config.egress, allowHosts: [...config.egress.allowHosts, '127.0.0.1', 'localhost', '::1'] } : config.egress;
    this.#timeoutMs = config.signin.clientMetadataTimeoutMs;
    this.#agent = createUpstreamAgent({ egress: this.#policy, upstream: { connectTimeoutMs: this.#timeoutMs, totalTimeoutMs: this.#timeoutMs } });
    this.#cache = new LRUCache<string, AdapterPayload>({
      max: MAX_CACHED_DOCUMENTS,
      // Concurrent lookups of one client id share one fetch; a failure is not kept.
      fetchMethod: async (clientId, _stale, { signal, options }) => {
        const { document, cacheMs } = await this.fetchDocument(clientId, signal);
        options.ttl = cacheMs;
        return document;
      },
    });
  }

  /** The client's metadata, for oidc-provider's Client model (the adapter's find). */
  async resolve(clientId: string): Promise<AdapterPayload> {
    const problem = clientIdUrlProblem(clientId, this.#loopbackHttp);
    if (problem) throw new this.errors.InvalidClient(`client_id ${problem}`);
    try {
      return (await this.#cache.fetch(clientId))!;
    } catch (error) {
      if (error instanceof DocumentRefused) throw new this.errors.InvalidClient(`client_id metadata document ${error.message}`);
      // Which address it resolved to, or why the connection failed, is for the operator's log only.
      this.logger.info({ clientId, reason: (error as Error).message }, 'client id metadata document could not be fetched');
      throw new this.errors.InvalidClient('client_id metadata document could not be fetched');
    }
  }

  private async fetchDocument(clientId: string, cancelled: AbortSignal): Promise<{ document: AdapterPayload; cacheMs: number }> {
    checkUrl(this.#policy, new URL(clientId));
    const headers = { accept: 'application/json' };
    // undici's request follows no redirects: a redirect could lead anywhere, past the egress check.
    const response = await request(clientId, { dispatcher: this.#agent, method: 'GET', headers, signal: AbortSignal.any([cancelled, AbortSignal.timeout(this.#timeoutMs)]) });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new DocumentRefused(`answered HTTP ${response.statusCode}`);
    }
    const text = await readCapped(response.body, Number(response.headers['content-length'] ?? 0));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new DocumentRefused('is not JSON');
    }
    const checked = clientIdDocument.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new DocumentRefused(issue.path.length > 0 ? `${issue.path.join('.')} ${issue.message}` : 'is not a JSON object');
    }
    if (checked.data.client_id !== clientId) throw new DocumentRefused('names another client_id than its own URL');
    const problem = clientMetadataProblem(checked.data);
    if (problem) throw new DocumentRefused(problem);
    const policy = new CachePolicy({ url: clientId, method: 'GET', headers }, { status: response.statusCode, headers: response.headers }, { shared: false });
    const cacheMs = Math.min(MAX_CACHE_MS, Math.max(MIN_CACHE_MS, policy.storable() ? policy.timeToLive() : 0));
    return { document: checked.data as AdapterPayload, cacheMs };
  }
}

/** The body as text, refused once it is larger than MAX_DOCUMENT_BYTES, declared or as it streams. */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, declaredLength: number): Promise<string> {
  const tooLarge = () => new DocumentRefused(`is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  if (declaredLength > MAX_DOCUMENT_BYTES) {
    body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_DOCUMENT_BYTES) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
