import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * The suite's `authorization` command against Switchboard's own authorization server (the sign-in
 * for MCP clients): its metadata, and an authorization code grant with PKCE, `resource`, `iss` and
 * Cache-Control checked. The grant wants a person at a browser; this plays that person through the
 * real development sign-in page (the embedded shape's, as `npm start` runs it): it opens the URL
 * the suite prints, keeps the sign-in's cookies, submits a user id and follows the redirects back
 * to the suite's callback. Nothing in the app is switched on for it.
 */
export async function runAuthorizationSuite(options: {
  node: string;
  suiteCli: string;
  apiUrl: string;
  apiKey: string;
  outputDir: string;
  cwd: string;
  callbackPort: number;
}): Promise<number> {
  const server = await createServer(options.apiUrl, options.apiKey);
  const resourceMetadata = await json(`${options.apiUrl}/.well-known/oauth-protected-resource/mcp/${server.serverId}`);
  const resource = String(resourceMetadata.resource);
  const issuer = String((resourceMetadata.authorization_servers as string[])[0]);
  const metadata = await json(`${options.apiUrl}/.well-known/oauth-authorization-server`);
  const redirectUri = `http://127.0.0.1:${options.callbackPort}/callback`;
  const registered = await json(String(metadata.registration_endpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'MCP conformance suite', redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', grant_types: ['authorization_code'] }),
  });

  const suite = spawn(
    options.node,
    [
      options.suiteCli,
      'authorization',
      '--url',
      issuer,
      '--client-id',
      String(registered.client_id),
      '--resource',
      resource,
      '--port',
      String(options.callbackPort),
      '--output-dir',
      options.outputDir,
    ],
    { cwd: options.cwd, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let printed = '';
  let signedIn: Promise<void> | undefined;
  suite.stdout!.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    printed += chunk.toString();
    const url = /^(http\S+[?&]code_challenge=\S+)$/m.exec(printed)?.[1];
    // A sign-in that fails ends the suite at once rather than after its five-minute wait.
    if (url && !signedIn) {
      signedIn = signInAsPerson(url, options.apiUrl).catch((error: unknown) => {
        console.error(`Signing in as the suite's user failed: ${error instanceof Error ? error.message : String(error)}`);
        suite.kill();
      });
    }
  });
  const [exit] = (await once(suite, 'exit')) as [number | null];
  await signedIn;
  const failed = /✗|FAILURE/.test(printed);
  return exit === 0 && !failed ? 0 : 1;
}

async function createServer(apiUrl: string, apiKey: string): Promise<{ serverId: string }> {
  return (await json(`${apiUrl}/api/servers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'conformance authorization' }),
  })) as { serverId: string };
}

async function json(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** A browser's part: follow redirects with the sign-in's cookies, sign in on the page, land on the callback. */
async function signInAsPerson(authorizationUrl: string, apiUrl: string): Promise<void> {
  const cookies = new Map<string, string>();
  const visit = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const sameSite = url.startsWith(apiUrl);
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, ...(sameSite && cookie ? { cookie } : {}) } });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  };
  const follow = async (start: Response, from: string): Promise<Response> => {
    let response = start;
    let url = from;
    while (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location')!, url).href;
      response = await visit(url);
    }
    return response;
  };
  const page = await follow(await visit(authorizationUrl), authorizationUrl);
  const action = /<form method="post" action="([^"]+\/login)">/.exec(await page.text())?.[1];
  if (!action) throw new Error('The sign-in page offers no development sign-in form');
  const loginUrl = new URL(action.replaceAll('&amp;', '&'), apiUrl).href;
  const submitted = await visit(loginUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ userId: 'conformance-user' }).toString(),
  });
  await follow(submitted, loginUrl);
}
