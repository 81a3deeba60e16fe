import { createServer } from 'node:net';

/** The bootstrap key every bench app is started with. */
export const API_KEY = 'sk_bench_switchboard_bootstrap_key_0001';
export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A management API call with the bench key that throws on anything but success. */
export function apiCaller(apiUrl: string) {
  return async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, string>;
  };
}

/** Points slack at the fake API (with a limit far above the load), adds its credential, returns the MCP URL. */
export async function configureSlack(apiUrl: string, fake: { url: string; token: string }): Promise<string> {
  const call = apiCaller(apiUrl);
  await call('PUT', '/api/connectors/slack/settings', { baseUrl: fake.url, rateLimit: { requestsPerSecond: 100_000, burst: 100_000 } });
  await call('POST', '/api/credentials', { connectorId: 'slack', authenticationType: 'bearer', fields: { token: fake.token } });
  return (await call('POST', '/api/servers', { name: 'bench' })).accessUrl!;
}
