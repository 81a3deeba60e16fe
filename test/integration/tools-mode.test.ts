import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { connectToFakeSaas } from '../support/fixtures.js';
import { api, connectMcp, connectMcpV2, toolError } from '../support/mcp.js';
import { MEDIA_CONTENT, startRemoteMcpServer, type RemoteMcpServer } from '../support/remoteMcpServer.js';

/** The interface both SDKs' clients share, as these tests use it. */
interface AnyClient {
  listTools(params?: { cursor?: string }): Promise<{ tools: Array<Record<string, any>>; nextCursor?: string }>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<Record<string, any>>;
  listResources(): Promise<Record<string, any>>;
  listResourceTemplates(): Promise<Record<string, any>>;
  readResource(params: { uri: string }): Promise<Record<string, any>>;
  listPrompts(): Promise<Record<string, any>>;
  getPrompt(params: { name: string; arguments?: Record<string, string> }): Promise<Record<string, any>>;
  complete(params: { ref: Record<string, string>; argument: { name: string; value: string } }): Promise<Record<string, any>>;
  close(): Promise<void>;
}

const connect = async (sdk: 'v1' | 'v2', url: string): Promise<AnyClient> =>
  (sdk === 'v1' ? await connectMcp(url) : await connectMcpV2(url, { name: 'tools-mode-v2' })) as unknown as AnyClient;

async function allTools(client: AnyClient): Promise<Array<Record<string, any>>> {
  const tools: Array<Record<string, any>> = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined);
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

/**
 * Tools mode (docs/tools-mode.md) through the real path: SDK v1 (2025-11-25) and v2 (2026-07-28)
 * clients → Koa → executeAction runs in Temporal → the fake SaaS and real SDK MCP servers on 127.0.0.1.
 */
describe('tools mode', () => {
  let app: TestApp;
  let fake: FakeSaas;
  let remoteA: RemoteMcpServer;
  let remoteB: RemoteMcpServer;
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  const seedShaped = {
    connectors: { mode: 'allowlist', allowedIds: ['slack', 'github'] },
    actions: { mode: 'blocklist', blockedActions: ['github:issues_create'] },
  };
  let catalogueUrl: string;
  let mixedUrl: string;

  beforeAll(async () => {
    [app, fake, remoteA, remoteB] = await Promise.all([
      startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }),
      startFakeSaas(),
      startRemoteMcpServer(undefined, { mediaTools: true }),
      startRemoteMcpServer(),
    ]);
    await connectToFakeSaas(app, fake, ['slack', 'github']);
  });
  afterAll(async () => {
    await Promise.all([fake?.close(), remoteA?.close(), remoteB?.close()]);
    await app?.close();
  });

  it('stores the mode, takes the seed restriction shape as well as ids, and answers with both', async () => {
    const plain = await call('POST', '/api/servers', { name: 'plain' });
    expect(plain.body.mode).toBe('connectivity');

    const created = await call('POST', '/api/servers', { name: 'catalogue tools', mode: 'tools', restrictions: seedShaped });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      mode: 'tools',
      restrictions: {
        connectors: { mode: 'allowlist', ids: ['slack', 'github'], allowedIds: ['slack', 'github'] },
        actions: { mode: 'blocklist', ids: ['github:issues_create'], blockedActions: ['github:issues_create'] },
      },
    });
    catalogueUrl = created.body.accessUrl;
    const read = await call('GET', `/api/servers/${created.body.serverId}`);
    expect(read.body).toMatchObject({ mode: 'tools', restrictions: created.body.restrictions });
    // What GET answered can be sent back as it is.
    expect((await call('PUT', `/api/servers/${created.body.serverId}`, { restrictions: read.body.restrictions })).status).toBe(200);

    const wrongField = await call('POST', '/api/servers', { name: 'bad', restrictions: { connectors: { mode: 'allowlist', blockedIds: ['slack'] } } });
    expect(wrongField.status).toBe(400);
    expect(JSON.stringify(wrongField.body.error)).toContain('blockedIds');
    const disagreeing = await call('POST', '/api/servers', { name: 'bad', restrictions: { users: { mode: 'allowlist', ids: ['a'], allowedIds: ['b'] } } });
    expect(disagreeing.status).toBe(400);
    expect((await call('POST', '/api/servers', { name: 'bad', mode: 'gateway' })).status).toBe(400);

    const switched = await call('PUT', `/api/servers/${plain.body.serverId}`, { mode: 'tools' });
    expect(switched.body.mode).toBe('tools');
    const listed = await call('GET', '/api/servers');
    expect(listed.body.servers.find((server: any) => server.serverId === plain.body.serverId).mode).toBe('tools');
  });

  describe.each(['v1', 'v2'] as const)('catalogue actions as tools, SDK %s', (sdk) => {
    let client: AnyClient;
    beforeAll(async () => {
      client = await connect(sdk, catalogueUrl);
    });
    afterAll(async () => client?.close());

    it('lists allowed actions as connectorId_actionId up to the cap, then search_tools finds the rest with their schemas', async () => {
      // slack and github have 424 actions, one blocked: past TOOLS_MODE_MAX_TOOLS (128 by default).
      const tools = await allTools(client);
      const names = tools.map((tool) => tool.name);
      expect(names).toHaveLength(128);
      expect(names.at(-1)).toBe('search_tools');
      expect(names).toContain('github_issues_list');
      expect(names).not.toContain('github_issues_create');
      expect(names).not.toContain('execute_action');
      expect(names.every((name) => /^[A-Za-z0-9_.-]{1,128}$/.test(name))).toBe(true);
      expect(new Set(names).size).toBe(names.length);

      const search = await client.callTool({ name: 'search_tools', arguments: { query: 'slack post message' } });
      expect(search.structuredContent.total).toBe(423);
      expect(search.structuredContent.tools[0].name).toBe('slack_chat_postMessage');
      const post = search.structuredContent.tools[0];
      expect(post.inputSchema).toMatchObject({ type: 'object', properties: { channel: expect.any(Object), text: expect.any(Object) } });
      expect(post.inputSchema.required).toContain('channel');
      expect(post.annotations).toMatchObject({ readOnlyHint: false, openWorldHint: true });
      expect(post.description).toBeTruthy();
      const blocked = await client.callTool({ name: 'search_tools', arguments: { query: 'github issues create' } });
      expect(blocked.structuredContent.tools.map((tool: any) => tool.name)).not.toContain('github_issues_create');
    });

    it('runs a call as a durable executeAction run and refuses blocked or invalid ones before anything is sent', async () => {
      fake.reset();
      const result = await client.callTool({ name: 'slack_chat_postMessage', arguments: { channel: 'C1', text: `hi from ${sdk}` } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ status: 200, result: { ok: true, channel: 'C1' }, workflowId: expect.stringMatching(/^execute-action\//) });
      expect(fake.requests).toHaveLength(1);

      const invalid = await client.callTool({ name: 'slack_chat_postMessage', arguments: { text: 5 } });
      expect(toolError(invalid)?.code).toBe('INVALID_REQUEST');
      const blocked = await client.callTool({ name: 'github_issues_create', arguments: { owner: 'o', repo: 'r', title: 't' } });
      expect(blocked.isError).toBe(true);
      expect(fake.requests).toHaveLength(1);

      const runs = await call('GET', `/api/runs?actionId=chat_postMessage`);
      expect(runs.body.runs.map((run: any) => run.workflowId)).toContain(result.structuredContent.workflowId);
    });
  });

  it('offers assigned remote MCP servers under their tools own names, prefixed only where two collide', async () => {
    // One Slack action, so the list stays under the cap; the allowlist names only slack, so remote tools are unaffected.
    const mixed = await call('POST', '/api/servers', { name: 'mixed tools', mode: 'tools', restrictions: { actions: { mode: 'allowlist', ids: ['slack:chat_postMessage'] } } });
    mixedUrl = mixed.body.accessUrl;
    for (const [name, url] of [
      ['Remote A', remoteA.url],
      ['Remote B', remoteB.url],
    ]) {
      const created = await call('POST', '/api/mcp-connectors', { name, url, headers: { 'x-api-key': remoteA.apiKey } });
      expect(created.status).toBe(201);
      expect((await call('POST', `/api/servers/${mixed.body.serverId}/connectors`, { mcpConnectorId: created.body.id })).status).toBe(200);
    }
    expect((await call('POST', `/api/servers/${mixed.body.serverId}/connectors`, { connectorId: 'slack' })).status).toBe(200);

    const client = await connectMcp(mixedUrl);
    try {
      const tools = (await client.listTools()).tools;
      const names = tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(['media', 'media_fail', 'mcp-remote-a_echo', 'mcp-remote-b_echo', 'mcp-remote-a_add', 'slack_chat_postMessage']));
      expect(names).not.toContain('echo');
      expect(names).not.toContain('search_tools');
      expect(names.filter((name) => name.startsWith('slack_'))).toEqual(['slack_chat_postMessage']);
      expect(names.some((name) => name.startsWith('github_'))).toBe(false);
      const media = tools.find((tool) => tool.name === 'media')!;
      expect(media).toMatchObject({ title: 'Media', annotations: { readOnlyHint: true, openWorldHint: false }, outputSchema: { type: 'object' } });
      expect(tools.find((tool) => tool.name === 'mcp-remote-a_add')!.outputSchema).toMatchObject({ properties: { sum: expect.any(Object) } });
    } finally {
      await client.close();
    }
  });

  describe.each(['v1', 'v2'] as const)('remote results relayed whole, SDK %s', (sdk) => {
    let client: AnyClient;
    beforeAll(async () => {
      client = await connect(sdk, mixedUrl);
      await client.listTools();
    });
    afterAll(async () => client?.close());

    it('relays every content type, structuredContent and _meta of a remote result', async () => {
      const result = await client.callTool({ name: 'media', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(result.content).toEqual(MEDIA_CONTENT);
      expect(result.structuredContent).toEqual({ pictures: 1 });
      expect(result._meta).toMatchObject({ 'example.com/trace': 'm-1' });

      const sum = await client.callTool({ name: 'mcp-remote-b_add', arguments: { a: 2, b: 3 } });
      expect(sum.structuredContent).toEqual({ sum: 5 });
    });

    it("relays a remote tool's error result as it came", async () => {
      const failed = await client.callTool({ name: 'media_fail', arguments: {} });
      expect(failed.isError).toBe(true);
      expect(failed.content).toEqual([MEDIA_CONTENT[0], MEDIA_CONTENT[1]]);
    });
  });

  describe.each(['v1', 'v2'] as const)('remote resources, templates, prompts and completions relayed, SDK %s', (sdk) => {
    let client: AnyClient;
    beforeAll(async () => {
      client = await connect(sdk, mixedUrl);
    });
    afterAll(async () => client?.close());

    it('lists and reads remote resources and resource templates', async () => {
      expect((await client.listResources()).resources).toEqual([expect.objectContaining({ uri: 'file:///notes.txt', name: 'notes', mimeType: 'text/plain' })]);
      expect((await client.readResource({ uri: 'file:///notes.txt' })).contents).toEqual([{ uri: 'file:///notes.txt', mimeType: 'text/plain', text: 'remote notes' }]);
      expect((await client.listResourceTemplates()).resourceTemplates).toEqual([expect.objectContaining({ uriTemplate: 'file:///docs/{name}', name: 'doc' })]);
      const doc = await client.readResource({ uri: 'file:///docs/alpha' });
      expect(Buffer.from(doc.contents[0].blob, 'base64').toString()).toBe('doc alpha');
      // SEP-2164: a missing resource is invalid params, its data naming the URI asked for.
      await expect(client.readResource({ uri: 'file:///nowhere' })).rejects.toMatchObject({ code: -32602, data: expect.objectContaining({ uri: 'file:///nowhere' }) });
    });

    it('lists prompts (prefixed where two servers share a name), gets them and completes their arguments and templates', async () => {
      const names = (await client.listPrompts()).prompts.map((prompt: any) => prompt.name);
      expect(names.sort()).toEqual(['mcp-remote-a_greet', 'mcp-remote-b_greet', 'summarize']);
      const greeting = await client.getPrompt({ name: 'mcp-remote-a_greet', arguments: { name: 'Ada' } });
      expect(greeting.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Hello Ada from the media server' } }]);
      const plain = await client.getPrompt({ name: 'mcp-remote-b_greet', arguments: { name: 'Bo' } });
      expect(plain.messages[0].content.text).toBe('Hello Bo');

      const topics = await client.complete({ ref: { type: 'ref/prompt', name: 'summarize' }, argument: { name: 'topic', value: 'te' } });
      expect(topics.completion.values).toEqual(['temporal']);
      const docs = await client.complete({ ref: { type: 'ref/resource', uri: 'file:///docs/{name}' }, argument: { name: 'name', value: 'al' } });
      expect(docs.completion.values).toEqual(['alpha']);
    });
  });
});
