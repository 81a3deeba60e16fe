import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a client id document server saw of one request, and how its answer ended. */
interface DocumentRequest {
  path: string;
  /** False when the reader hung up before the whole answer was sent. */
  finished: boolean;
}

export interface ClientIdDocumentServer {
  origin: string;
  /** The URL of a document at `path`, which is also that document's client_id. */
  urlOf(path: string): string;
  requests: DocumentRequest[];
  /** Connections opened to this server, requests or not. */
  connections: number;
  close(): Promise<void>;
}

type Answer = (res: ServerResponse, url: string) => void;

/**
 * An MCP client's Client ID Metadata Documents on 127.0.0.1 (plain http: Switchboard takes such
 * client ids only with the development sign-in on), plus the hostile ones a fault test needs:
 * answers keyed by path. `document(url)` is a well-formed public client document for `url`.
 */
export async function startClientIdDocumentServer(answers: Record<string, Answer>): Promise<ClientIdDocumentServer> {
  const state: ClientIdDocumentServer = {
    origin: '',
    urlOf: (path) => `${state.origin}${path}`,
    requests: [],
    connections: 0,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const seen: DocumentRequest = { path, finished: false };
    state.requests.push(seen);
    res.on('finish', () => (seen.finished = true));
    const answer = answers[path];
    if (!answer) {
      res.statusCode = 404;
      res.end();
      return;
    }
    answer(res, state.urlOf(path));
  });
  server.on('connection', () => (state.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

export const clientDocument = (url: string, redirectUri: string, extra: Record<string, unknown> = {}) => ({
  client_id: url,
  client_name: 'Document Client',
  redirect_uris: [redirectUri],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  ...extra,
});

/** Answers a JSON document with the given Cache-Control. */
export const json =
  (body: (url: string) => unknown, cacheControl = 'max-age=300'): Answer =>
  (res, url) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('cache-control', cacheControl);
    res.end(JSON.stringify(body(url)));
  };
