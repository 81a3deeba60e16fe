/**
 * The client the suite's `client` command runs, once per scenario, with the scenario's MCP server
 * URL as its last argument: Switchboard's outbound MCP client, the one remote MCP connectors use,
 * and for the auth/ scenarios its OAuth, which signs users into remote MCP servers behind OAuth.
 * Nothing here reimplements them. Through a running Switchboard's REST API (SWITCHBOARD_API_URL,
 * SWITCHBOARD_API_KEY, set by scripts/conformance/clientSuite.ts) it creates a remote MCP
 * connector for the URL (`oauth` for auth/ scenarios, else `simple`) and asks for its test; for an
 * `oauth` one that runs discovery and registration as activities (activities/remoteMcpDiscovery.ts)
 * and answers with the sign-in link. It plays the user's browser (the suite's authorization server
 * grants at once and redirects to our /oauth/callback, where the oauthHandshake workflow exchanges
 * the code with oauth4webapi); then, as an agent over MCP, it lists the connector's tools and calls
 * the first with sample arguments, as the user. A call answered with a new sign-in link (step-up,
 * or a server that moved to another authorization server) is signed in again, up to three times.
 * It exits 0 when the tool answered, else 1 with the reason on stderr.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { randomBytes } from 'node:crypto';

const serverUrl = process.argv.at(-1)!;
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? 'scenario';
const apiUrl = required('SWITCHBOARD_API_URL');
const apiKey = required('SWITCHBOARD_API_KEY');
/** Sign-ins a scenario may ask for: the first, and one more for a step-up or a changed authorization server. */
const MAX_SIGN_INS = 3;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through npm run test:conformance`);
  return value;
}

function log(message: string): void {
  process.stderr.write(`[switchboard client] ${message}\n`);
}

async function call(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * The user's browser: opens the sign-in link at the suite's authorization server, which grants at
 * once and redirects to our callback; the browser follows redirects until a page answers.
 */
async function browse(authorizationUrl: string): Promise<void> {
  let url = authorizationUrl;
  for (let hops = 0; hops < 10; hops++) {
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url).href;
      log(`redirected to ${url.split('?')[0]}`);
      continue;
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`The sign-in ended at ${url.split('?')[0]} with HTTP ${response.status}: ${text.slice(0, 500)}`);
    return;
  }
  throw new Error('The sign-in redirected more than 10 times');
}

/** What an agent would pass for a required parameter it knows only the type of. */
function sampleOf(type: string): unknown {
  if (type === 'number' || type === 'integer') return 1;
  if (type === 'boolean') return true;
  if (type === 'array') return [];
  if (type === 'object') return {};
  return 'conformance';
}

async function main(): Promise<void> {
  const suffix = randomBytes(3).toString('hex');
  const name = `${scenario.replace(/^auth\//, '')} ${suffix}`.slice(0, 100);
  const server = await call('POST', '/api/servers', { name: `conformance client ${name}` });
  const type = scenario.startsWith('auth/') ? 'oauth' : 'simple';
  // A scenario whose authorization server takes only a client registered beforehand gives its id and secret.
  const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}') as { client_id?: string; client_secret?: string };
  const oauthClient = type === 'oauth' && context.client_id ? { clientId: context.client_id, ...(context.client_secret ? { clientSecret: context.client_secret } : {}) } : undefined;
  const connector = await call('POST', '/api/mcp-connectors', { name, type, url: serverUrl, ...(oauthClient ? { oauthClient } : {}) });
  await call('POST', `/api/servers/${server.serverId}/connectors`, { mcpConnectorId: connector.id });
  log(`connector ${connector.connectorId} for ${serverUrl}`);

  const agent = new Client({ name: 'conformance-agent', version: '1.0.0' });
  await agent.connect(new StreamableHTTPClientTransport(new URL(server.accessUrl)));
  try {
    for (let signIns = 0; ; signIns++) {
      const tested = await call('POST', '/api/mcp-connectors/test', { connectorId: connector.connectorId });
      log(`test: ${JSON.stringify(tested)}`);
      if (!tested.ok) {
        if (!tested.authorizationUrl) throw new Error(`The connector cannot sign in: ${tested.error ?? tested.message}`);
        if (signIns >= MAX_SIGN_INS) throw new Error(`Still not signed in after ${signIns} sign-ins`);
        await browse(tested.authorizationUrl);
        continue;
      }
      const listed = await agent.callTool({ name: 'get_connector_resources', arguments: { connectorId: connector.connectorId } });
      const resources = (listed.structuredContent as { resources?: Array<{ actions: Array<{ id: string }> }> } | undefined)?.resources ?? [];
      const tool = resources.flatMap((resource) => resource.actions)[0]?.id;
      if (!tool) throw new Error(`The connector lists no tools: ${JSON.stringify(listed)}`);
      const details = await agent.callTool({ name: 'get_action_details', arguments: { connectorId: connector.connectorId, actionId: tool } });
      const required = (details.structuredContent as { requiredParameters?: Array<{ name: string; type: string }> } | undefined)?.requiredParameters ?? [];
      const parameters = Object.fromEntries(required.map((parameter) => [parameter.name, sampleOf(parameter.type)]));
      const result = await agent.callTool({ name: 'execute_action', arguments: { connectorId: connector.connectorId, actionId: tool, parameters } }, undefined, { timeout: 60_000 });
      const error = result.isError ? JSON.parse(String((result.content as Array<{ text?: string }>)[0]?.text ?? '{}')).error : undefined;
      // A call the server refused for want of scope or a token answers with a new sign-in link.
      const relink = error?.details?.authorizationUrl as string | undefined;
      if (relink && signIns < MAX_SIGN_INS) {
        log(`call asked for a new sign-in: ${error.code}`);
        await browse(relink);
        continue;
      }
      if (error) throw new Error(`Calling ${tool} failed: ${JSON.stringify(error)}`);
      log(`called ${tool}: ${JSON.stringify(result.structuredContent)}`);
      return;
    }
  } finally {
    await agent.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
