/**
 * Stoplight Prism's request validator (@stoplight/prism-http, the library the prism CLI serves) as a
 * mock of each vendor's OpenAPI document, on 127.0.0.1. One HTTP server hosts every document under
 * /<connectorId>/…; each request is checked against its document (path, method, parameters, body,
 * security) and answered with Prism's mock response, and the validator's verdict is recorded.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInstance, getHttpOperationsFromSpec, type IHttpRequest } from '@stoplight/prism-http';
import { pino } from 'pino';

type Operations = Awaited<ReturnType<typeof getHttpOperationsFromSpec>>;

interface Verdict {
  connectorId: string;
  method: string;
  path: string;
  /** The validator's errors; none means accepted. */
  violations: string[];
  /** What the validator said that this test does not count, each with its reason. */
  excused: string[];
  status: number;
}

export interface PrismHost {
  /** The base URL a connector's calls go to. */
  urlOf(connectorId: string): string;
  /**
   * Loads a vendor document (a parsed OpenAPI 3 or Swagger 2 object) for a connector. With
   * `authOutsideDocument`, the document's security requirements are not checked and its required
   * parameters of these names (where it carries the credential) are not demanded.
   */
  load(connectorId: string, document: object, authOutsideDocument?: { credentialParameters: string[] }): Promise<void>;
  /** The document's operation (as Prism reads it) that an action calls. */
  operationOf(connectorId: string, method: string, path: string): Operations[number] | undefined;
  /** The verdicts recorded for a connector since the last take. */
  take(connectorId: string): Verdict[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body over 1 MB');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startPrismHost(): Promise<PrismHost> {
  // Prism logs at its own "success" level too.
  const logger = pino({ level: 'silent', customLevels: { success: 35 } });
  // Mock answers from the documents' examples or static schema samples; no forwarding anywhere.
  const config = { mock: { dynamic: false }, checkSecurity: true, validateRequest: true, validateResponse: false, errors: false, upstreamProxy: undefined, isProxy: false as const };
  const prism = createInstance(config, { logger: logger as never });
  const operations = new Map<string, Operations>();
  const outside = new Map<string, Set<string>>();
  const verdicts = new Map<string, Verdict[]>();

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const [, connectorId = '', ...rest] = url.pathname.split('/');
      const path = `/${rest.join('/')}`;
      const record = (verdict: { violations: Array<{ location: string[]; message: string }>; status: number }) => {
        const judged = verdict.violations.map((violation) => ({ text: `${violation.location.join('.')}: ${violation.message}`.slice(0, 300), why: excuse(violation) }));
        verdicts.set(connectorId, [
          ...(verdicts.get(connectorId) ?? []),
          {
            connectorId,
            method: request.method ?? '',
            path,
            status: verdict.status,
            violations: judged.filter((item) => !item.why).map((item) => item.text),
            excused: judged.filter((item) => item.why).map((item) => `${item.text} — ${item.why}`),
          },
        ]);
      };
      const resources = operations.get(connectorId);
      if (!resources) {
        response.writeHead(404).end();
        return;
      }
      const text = await readBody(request);
      const sentFields = new Set([...new URLSearchParams(text)].map(([key]) => key.split('[')[0]));
      const credentialParameters = outside.get(connectorId);
      const excuse = ({ location, message }: { location: string[]; message: string }): string | undefined => {
        const missing = /must have required property '([^']+)'/.exec(message)?.[1];
        if (credentialParameters && missing && credentialParameters.has(missing) && location.length === 1) {
          return 'the document carries the credential in this parameter; the connector sends it as its vendor documents (see exclusions.ts)';
        }
        if (/form/i.test(request.headers['content-type'] ?? '') && location[0] === 'body' && location[1] && !sentFields.has(location[1])) {
          return 'Prism limitation: a deepObject form field that was not sent is read as an empty object, whose required keys it then demands';
        }
        return undefined;
      };
      const query: Record<string, string | string[]> = {};
      for (const [name, value] of url.searchParams) {
        const before = query[name];
        query[name] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
      }
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
      let body: unknown = text || undefined;
      if (text && /json/i.test(headers['content-type'] ?? '')) body = JSON.parse(text);
      const input: IHttpRequest = { method: (request.method ?? 'get').toLowerCase() as IHttpRequest['method'], url: { path: rawPath(request.url ?? "/", connectorId), query }, headers, body };
      const result = await prism.request(input, resources, { ...config, checkSecurity: !credentialParameters })();
      if (result._tag === 'Left') {
        // Prism answers an invalid request with an error carrying the validation (no 4xx in the trimmed
        // document to mock), or no operation matched (a wrong path or method).
        const failure = result.left as Error & { detail?: string; additional?: { validation?: Array<{ location?: string[]; message: string; code?: string }> } };
        const validation = failure.additional?.validation;
        record({
          violations: validation?.length
            ? validation.map((item) => ({ location: item.location ?? [], message: item.message }))
            : [{ location: [], message: `${failure.message}${failure.detail ? `: ${failure.detail}` : ''}` }],
          status: 0,
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const { output, validations } = result.right;
      const errors = validations.input.filter((diagnostic) => diagnostic.severity === 0);
      record({ violations: errors.map((diagnostic) => ({ location: (diagnostic.path ?? []).map(String), message: diagnostic.message })), status: output.statusCode });
      const answer = output.body === undefined ? '' : typeof output.body === 'string' ? output.body : JSON.stringify(output.body);
      response.writeHead(output.statusCode >= 400 ? 200 : output.statusCode, { 'content-type': 'application/json' }).end(answer);
    })().catch((error: unknown) => {
      console.error("prism host", error);
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urlOf: (connectorId) => `http://127.0.0.1:${port}/${connectorId}`,
    async load(connectorId, document, authOutsideDocument) {
      operations.set(connectorId, await getHttpOperationsFromSpec(structuredClone(document)));
      if (authOutsideDocument) outside.set(connectorId, new Set(authOutsideDocument.credentialParameters));
    },
    operationOf: (connectorId, method, path) =>
      operations.get(connectorId)?.find((operation) => operation.method.toLowerCase() === method.toLowerCase() && operation.path === path),
    take(connectorId) {
      const taken = verdicts.get(connectorId) ?? [];
      verdicts.delete(connectorId);
      return taken;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The request's path under the connector's prefix, still percent-encoded as sent. */
function rawPath(requestUrl: string, connectorId: string): string {
  const pathOnly = requestUrl.split('?')[0] ?? '/';
  return pathOnly.slice(connectorId.length + 1) || '/';
}

/** A mock answer: the test judges requests only, and vendors' response schemas are the bulk of a document. */
const MOCK_RESPONSES = { '200': { description: 'mock', content: { 'application/json': { example: { ok: true } } } } };
/** The top-level fields a request is judged by (x-webhooks and the like would only drag their $refs in). */
const DOCUMENT_FIELDS = ['openapi', 'swagger', 'info', 'servers', 'security', 'host', 'basePath', 'schemes', 'consumes', 'produces', 'securityDefinitions'];

/**
 * The document with only the given operations, their responses replaced by one mock answer, and
 * what they reference ($refs followed transitively) and security schemes kept: Prism dereferences
 * whole documents, and GitHub's takes 20 s that way, Stripe's minutes, against well under a second
 * for the three operations called.
 */
export function trimDocument(document: Record<string, any>, keep: ReadonlyArray<{ path: string; method: string }>): Record<string, any> {
  const paths: Record<string, any> = {};
  for (const { path, method } of keep) {
    const item = document.paths?.[path];
    if (!item) continue;
    const { get: _get, put: _put, post: _post, patch: _patch, delete: _delete, head: _head, options: _options, trace: _trace, ...shared } = item;
    const operation = item[method.toLowerCase()];
    if (operation) paths[path] = { ...(paths[path] ?? shared), [method.toLowerCase()]: { ...operation, responses: MOCK_RESPONSES } };
  }
  const trimmed: Record<string, any> = { ...Object.fromEntries(DOCUMENT_FIELDS.filter((field) => field in document).map((field) => [field, document[field]])), paths };
  const copy = (pointer: string): void => {
    const keys = pointer.slice(2).split('/').map((key) => decodeURIComponent(key.replace(/~1/g, '/').replace(/~0/g, '~')));
    let from: any = document;
    let to: any = trimmed;
    for (const [i, key] of keys.entries()) {
      from = from?.[key];
      if (from === undefined) return;
      if (i === keys.length - 1) {
        if (to[key] !== undefined) return;
        to[key] = from;
        visit(from);
      } else to = to[key] ??= {};
    }
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) visit(item);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) copy(value);
        else visit(value);
      }
    }
  };
  visit(paths);
  if (document.components?.securitySchemes) (trimmed.components ??= {}).securitySchemes = document.components.securitySchemes;
  return trimmed;
}
