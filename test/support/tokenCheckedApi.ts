import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenCheckedApi {
  url: string;
  /** Bearer tokens seen, in order, whether accepted or not. */
  seen: string[];
  /** The next n requests answer 401 whatever their token (a token the provider dropped early). */
  rejectNext(n: number): void;
  close(): Promise<void>;
}

/**
 * A stand-in for Slack's Web API that accepts a request only when the OAuth test server says its
 * bearer token is valid, unexpired and unrevoked.
 */
export async function startTokenCheckedApi(validate: (token: string) => Promise<unknown>): Promise<TokenCheckedApi> {
  const seen: string[] = [];
  let rejections = 0;
  const server = createServer((req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    seen.push(token);
    void (async () => {
      const valid = rejections > 0 ? ((rejections -= 1), false) : (await validate(token)) !== null;
      res.writeHead(valid ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(valid ? { ok: true, channels: [{ id: 'C1', name: 'general' }] } : { ok: false, error: 'invalid_auth' }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    rejectNext(n) {
      rejections = n;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
