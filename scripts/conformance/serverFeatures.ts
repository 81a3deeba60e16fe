/**
 * What the conformance test server (scripts/conformance/server.ts) offers: every tool, resource,
 * template, prompt and completion the suite's server scenarios ask for, by the names they use
 * (`list --requirements <revision>` names the scenarios; each scenario's description names what it
 * calls). Written against the official SDK v2 `McpServer`, which serves both wires: the
 * multi-round-trip tools return `inputRequired(...)`, answered by a 2026-07-28 client's retry, or
 * on a 2025-11-25 session by the SDK's shim as in-stream requests.
 */
import {
  completable,
  inputRequired,
  McpServer,
  ProtocolError,
  ProtocolErrorCode,
  ResourceTemplate,
  fromJsonSchema,
  CLIENT_CAPABILITIES_META_KEY,
  type CallToolResult,
  type RequestStateCodec,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { z } from 'zod';

/** A 1×1 red PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

/** A WAV file of one silent 8-bit sample at 8 kHz. */
const WAV = Buffer.concat([
  Buffer.from('RIFF'), uint32(37), Buffer.from('WAVEfmt '), uint32(16),
  Buffer.from([1, 0, 1, 0]), uint32(8000), uint32(8000), Buffer.from([1, 0, 8, 0]),
  Buffer.from('data'), uint32(1), Buffer.from([128]),
]).toString('base64');

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The JSON Schema 2020-12 keywords json-schema-2020-12 checks are kept as written. */
const SCHEMA_2020_12 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: { address: { $anchor: 'addressDef', type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
    contactMethod: { type: 'string', enum: ['phone', 'email'] },
    phone: { type: 'string' },
    email: { type: 'string' },
  },
  allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
  if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
  then: { required: ['phone'] },
  else: { required: ['email'] },
  additionalProperties: false,
} as const;

/** State the server keeps across its per-request McpServers: subscriptions and the tools/prompts a trigger added. */
export interface FeatureState {
  subscriptions: Set<string>;
  extraTools: number;
  extraPrompts: number;
  /** Tells every open session and subscriptions/listen stream that a list changed. */
  listChanged(kind: 'tools' | 'prompts'): void;
}

function registerContentTools(server: McpServer): void {
  server.registerTool('test_simple_text', { description: 'Answers with one text item', inputSchema: {} }, () =>
    text('This is a simple text response for testing.'),
  );
  server.registerTool('test_image_content', { description: 'Answers with a PNG image', inputSchema: {} }, (): CallToolResult => ({
    content: [{ type: 'image', data: PNG, mimeType: 'image/png' }],
  }));
  server.registerTool('test_audio_content', { description: 'Answers with a WAV sound', inputSchema: {} }, (): CallToolResult => ({
    content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }],
  }));
  server.registerTool('test_embedded_resource', { description: 'Answers with an embedded text resource', inputSchema: {} }, (): CallToolResult => ({
    content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
  }));
  server.registerTool('test_multiple_content_types', { description: 'Answers with text, an image and a resource', inputSchema: {} }, (): CallToolResult => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG, mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) } },
    ],
  }));
  server.registerTool('test_error_handling', { description: 'Always fails', inputSchema: {} }, (): CallToolResult => ({
    isError: true,
    content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }],
  }));
  // SEP-2243: a parameter mirrored into the Mcp-Param-Region header, which the SDK checks against the body.
  server.registerTool(
    'test_header_param',
    {
      description: 'Echoes a region that the client also sends as a header',
      inputSchema: fromJsonSchema({ type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' } }, required: ['region'] } as never),
    },
    (args) => text(`region ${String((args as { region?: unknown }).region)}`),
  );
  server.registerTool(
    'json_schema_2020_12_tool',
    { description: 'Tool with JSON Schema 2020-12 features', inputSchema: fromJsonSchema(SCHEMA_2020_12 as never) },
    (args) => text(`received ${JSON.stringify(args)}`),
  );
}

function registerReportingTools(server: McpServer): void {
  server.registerTool('test_tool_with_logging', { description: 'Logs three messages while it runs', inputSchema: {} }, async (_args, ctx) => {
    await ctx.mcpReq.log('info', 'Tool execution started');
    await pause(50);
    await ctx.mcpReq.log('info', 'Tool processing data');
    await pause(50);
    await ctx.mcpReq.log('info', 'Tool execution completed');
    return text('Logging completed');
  });
  server.registerTool('test_logging_tool', { description: 'Logs one message (only when the caller set a log level)', inputSchema: {} }, async (_args, ctx) => {
    await ctx.mcpReq.log('info', 'logged');
    return text('logged');
  });
  server.registerTool('test_tool_with_progress', { description: 'Reports progress 0, 50 and 100 of 100', inputSchema: {} }, async (_args, ctx) => {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (progressToken !== undefined) {
        await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress, total: 100 } });
      }
      if (progress < 100) await pause(50);
    }
    return text('Progress completed');
  });
  server.registerTool('test_reconnection', { description: 'Closes its SSE stream mid-call; the answer comes on the resumed stream', inputSchema: {} }, async (_args, ctx) => {
    await pause(100);
    ctx.http?.closeSSE?.();
    await pause(200);
    return text('Reconnection test completed');
  });
}

/** Tools that ask the caller on a 2025-11-25 session, by in-stream requests. */
function registerAskingTools(server: McpServer): void {
  server.registerTool('test_sampling', { description: 'Asks the client model', inputSchema: { prompt: z.string().describe('The prompt to send to the LLM') } }, async ({ prompt }, ctx) => {
    const result = await ctx.mcpReq.requestSampling({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 });
    const content = Array.isArray(result.content) ? result.content[0] : result.content;
    return text(`LLM response: ${content?.type === 'text' ? content.text : JSON.stringify(content)}`);
  });
  server.registerTool('test_elicitation', { description: 'Asks the user for a name and email', inputSchema: { message: z.string().describe('The message to show the user') } }, async ({ message }, ctx) => {
    const result = await ctx.mcpReq.elicitInput({
      message,
      requestedSchema: {
        type: 'object',
        properties: { username: { type: 'string', description: "User's response" }, email: { type: 'string', description: "User's email address" } },
        required: ['username', 'email'],
      },
    });
    return text(`User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  });
  server.registerTool('test_elicitation_sep1034_defaults', { description: 'Asks with defaults for every primitive type', inputSchema: {} }, async (_args, ctx) => {
    const result = await ctx.mcpReq.elicitInput({
      message: 'Please review and update the form fields with defaults',
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'User name', default: 'John Doe' },
          age: { type: 'integer', description: 'User age', default: 30 },
          score: { type: 'number', description: 'User score', default: 95.5 },
          status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
          verified: { type: 'boolean', description: 'Verification status', default: true },
        },
      },
    });
    return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  });
  server.registerTool('test_elicitation_sep1330_enums', { description: 'Asks with every enum variant', inputSchema: {} }, async (_args, ctx) => {
    const result = await ctx.mcpReq.elicitInput({
      message: 'Please select options from the enum fields',
      requestedSchema: {
        type: 'object',
        properties: {
          untitledSingle: { type: 'string', description: 'Pick one', enum: ['option1', 'option2', 'option3'] },
          titledSingle: {
            type: 'string',
            description: 'Pick one',
            oneOf: [{ const: 'value1', title: 'First Option' }, { const: 'value2', title: 'Second Option' }, { const: 'value3', title: 'Third Option' }],
          },
          legacyEnum: { type: 'string', description: 'Pick one', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
          untitledMulti: { type: 'array', description: 'Pick some', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
          titledMulti: {
            type: 'array',
            description: 'Pick some',
            items: { anyOf: [{ const: 'value1', title: 'First Choice' }, { const: 'value2', title: 'Second Choice' }, { const: 'value3', title: 'Third Choice' }] },
          },
        },
      },
    } as never);
    return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  });
}

const askName = (message: string, property = 'name') =>
  inputRequired.elicit({ message, requestedSchema: { type: 'object', properties: { [property]: { type: 'string' } }, required: [property] } } as never);

/** The content an elicitation answer accepted, or undefined when the answer is not one. */
function accepted(answer: unknown): Record<string, unknown> | undefined {
  const result = answer as { action?: unknown; content?: unknown } | undefined;
  if (typeof result !== 'object' || result === null || typeof result.action !== 'string') return undefined;
  return typeof result.content === 'object' && result.content !== null ? (result.content as Record<string, unknown>) : {};
}

/** What the client declared: in the request's envelope on 2026-07-28, at initialize on a 2025-era connection. */
function clientDeclares(server: McpServer, ctx: ServerContext, capability: string): boolean {
  const declared =
    ((ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as Record<string, unknown> | undefined) ??
    (server.server.getClientCapabilities() as Record<string, unknown> | undefined);
  return declared?.[capability] !== undefined;
}

/** The multi-round-trip tools (SEP-2322): each asks with inputRequired and answers once the retry carries what it asked for. */
function registerInputRequiredTools(server: McpServer, codec: RequestStateCodec): void {
  const responses = (ctx: ServerContext) => ctx.mcpReq.inputResponses ?? {};
  server.registerTool('test_input_required_result_elicitation', { description: 'Asks for a name, then greets', inputSchema: {} }, (_args, ctx) => {
    const answer = accepted(responses(ctx).user_name);
    if (!answer) return inputRequired({ inputRequests: { user_name: askName('What is your name?') } });
    return text(`Hello, ${String(answer.name ?? 'stranger')}!`);
  });
  server.registerTool('test_input_required_result_sampling', { description: 'Asks the client model a question', inputSchema: {} }, (_args, ctx) => {
    const answer = responses(ctx).capital_question as { content?: { type?: string; text?: string } } | undefined;
    if (!answer?.content) {
      return inputRequired({
        inputRequests: { capital_question: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }], maxTokens: 100 }) },
      });
    }
    return text(`The model answered: ${answer.content.text ?? JSON.stringify(answer.content)}`);
  });
  server.registerTool('test_input_required_result_list_roots', { description: 'Asks for the client roots', inputSchema: {} }, (_args, ctx) => {
    const answer = responses(ctx).client_roots as { roots?: Array<{ uri: string }> } | undefined;
    if (!Array.isArray(answer?.roots)) return inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
    return text(`Roots: ${answer.roots.map((root) => root.uri).join(', ') || '(none)'}`);
  });
  server.registerTool('test_input_required_result_request_state', { description: 'Asks for confirmation, keeping state', inputSchema: {} }, async (_args, ctx) => {
    const state = ctx.mcpReq.requestState<{ step: string }>();
    if (!accepted(responses(ctx).confirm) || state?.step !== 'confirm') {
      const ask = inputRequired.elicit({ message: 'Please confirm', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } } as never);
      return inputRequired({ inputRequests: { confirm: ask }, requestState: await codec.mint({ step: 'confirm' }, ctx) });
    }
    return text('Confirmed: state-ok');
  });
  server.registerTool('test_input_required_result_multiple_inputs', { description: 'Asks for a name, a greeting and the roots at once', inputSchema: {} }, async (_args, ctx) => {
    const given = responses(ctx);
    const state = ctx.mcpReq.requestState<{ step: string }>();
    if (state?.step !== 'all' || !accepted(given.user_name) || given.greeting === undefined || given.client_roots === undefined) {
      return inputRequired({
        inputRequests: {
          user_name: askName('What is your name?'),
          greeting: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }], maxTokens: 50 }),
          client_roots: inputRequired.listRoots(),
        },
        requestState: await codec.mint({ step: 'all' }, ctx),
      });
    }
    return text(`All inputs received: name=${String(accepted(given.user_name)?.name)}`);
  });
  server.registerTool('test_input_required_result_multi_round', { description: 'Asks two questions, one per round', inputSchema: {} }, async (_args, ctx) => {
    const state = ctx.mcpReq.requestState<{ round: number; name?: string }>();
    const given = responses(ctx);
    if (state?.round === 2 && accepted(given.step2)) {
      return text(`Done: ${String(state.name)} likes ${String(accepted(given.step2)?.color)}`);
    }
    if (state?.round === 1 && accepted(given.step1)) {
      return inputRequired({
        inputRequests: { step2: askName('Step 2: What is your favorite color?', 'color') },
        requestState: await codec.mint({ round: 2, name: String(accepted(given.step1)?.name) }, ctx),
      });
    }
    return inputRequired({ inputRequests: { step1: askName('Step 1: What is your name?') }, requestState: await codec.mint({ round: 1 }, ctx) });
  });
  server.registerTool('test_input_required_result_tampered_state', { description: 'Asks with signed state; a changed state is refused', inputSchema: {} }, async (_args, ctx) => {
    if (ctx.mcpReq.requestState<{ signed: boolean }>()?.signed && accepted(responses(ctx).confirm)) return text('state verified');
    return inputRequired({ inputRequests: { confirm: askName('Please confirm', 'ok') }, requestState: await codec.mint({ signed: true }, ctx) });
  });
  server.registerTool('test_input_required_result_capabilities', { description: 'Asks only what the client can answer', inputSchema: {} }, (_args, ctx) => {
    const given = responses(ctx);
    if (Object.keys(given).length > 0) return text('inputs received');
    const requests: Record<string, ReturnType<typeof inputRequired.listRoots>> = {};
    if (clientDeclares(server, ctx, 'elicitation')) requests.user_name = askName('What is your name?');
    if (clientDeclares(server, ctx, 'sampling')) {
      requests.greeting = inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }], maxTokens: 50 });
    }
    if (clientDeclares(server, ctx, 'roots')) requests.client_roots = inputRequired.listRoots();
    if (Object.keys(requests).length === 0) return text('the client declared nothing to ask with');
    return inputRequired({ inputRequests: requests });
  });
  server.registerTool('test_streaming_elicitation', { description: 'Asks for a name through an input request', inputSchema: {} }, (_args, ctx) => {
    const answer = accepted(responses(ctx).user_name);
    if (!answer) return inputRequired({ inputRequests: { user_name: askName('What is your name?') } });
    return text(`Hello, ${String(answer.name)}`);
  });
  // Asking for sampling makes the SDK refuse a client that did not declare it (-32021), before any round trip.
  server.registerTool('test_missing_capability', { description: 'Needs the client to declare sampling', inputSchema: {} }, (_args, ctx) => {
    if (responses(ctx).sample !== undefined) return text('the client sampled');
    return inputRequired({ inputRequests: { sample: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'Say hello' } }], maxTokens: 10 }) } });
  });
}

function registerTriggers(server: McpServer, state: FeatureState): void {
  server.registerTool('test_trigger_tool_change', { description: 'Adds a tool and says the tool list changed', inputSchema: {} }, () => {
    state.extraTools += 1;
    state.listChanged('tools');
    return text('tool list changed');
  });
  server.registerTool('test_trigger_prompt_change', { description: 'Adds a prompt and says the prompt list changed', inputSchema: {} }, () => {
    state.extraPrompts += 1;
    state.listChanged('prompts');
    return text('prompt list changed');
  });
  for (let added = 1; added <= state.extraTools; added++) {
    server.registerTool(`test_added_tool_${added}`, { description: 'Added by test_trigger_tool_change', inputSchema: {} }, () => text('added'));
  }
  for (let added = 1; added <= state.extraPrompts; added++) {
    server.registerPrompt(`test_added_prompt_${added}`, { description: 'Added by test_trigger_prompt_change' }, () => ({
      messages: [{ role: 'user', content: { type: 'text', text: 'added' } }],
    }));
  }
}

function registerResources(server: McpServer, state: FeatureState): void {
  server.registerResource('static-text', 'test://static-text', { description: 'A static text resource', mimeType: 'text/plain' }, (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }],
  }));
  server.registerResource('static-binary', 'test://static-binary', { description: 'A static PNG', mimeType: 'image/png' }, (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'image/png', blob: PNG }],
  }));
  server.registerResource('watched-resource', 'test://watched-resource', { description: 'A resource to subscribe to', mimeType: 'text/plain' }, (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'watched' }],
  }));
  server.registerResource(
    'template-data',
    new ResourceTemplate('test://template/{id}/data', { list: undefined, complete: { id: (value) => ['123', '456'].filter((id) => id.startsWith(value)) } }),
    { description: 'Data for an id', mimeType: 'application/json' },
    (uri, { id }) => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${String(id)}` }) }],
    }),
  );
  const subscribed = (uri: unknown) => {
    if (typeof uri !== 'string') throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'uri is required');
    return uri;
  };
  server.server.setRequestHandler('resources/subscribe', (request) => {
    state.subscriptions.add(subscribed(request.params.uri));
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', (request) => {
    state.subscriptions.delete(subscribed(request.params.uri));
    return {};
  });
}

function registerPrompts(server: McpServer): void {
  server.registerPrompt('test_simple_prompt', { description: 'A prompt without arguments' }, () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }],
  }));
  server.registerPrompt(
    'test_prompt_with_arguments',
    {
      description: 'A prompt with two arguments',
      argsSchema: {
        arg1: completable(z.string().describe('First test argument'), (value) => ['paris', 'park', 'party'].filter((word) => word.startsWith(value))),
        arg2: z.string().describe('Second test argument'),
      },
    },
    ({ arg1, arg2 }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }] }),
  );
  server.registerPrompt(
    'test_prompt_with_embedded_resource',
    { description: 'A prompt embedding a resource', argsSchema: { resourceUri: z.string().describe('URI of the resource to embed') } },
    ({ resourceUri }) => ({
      messages: [
        { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
        { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
      ],
    }),
  );
  server.registerPrompt('test_prompt_with_image', { description: 'A prompt with an image' }, () => ({
    messages: [
      { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ],
  }));
  server.registerPrompt('test_input_required_result_prompt', { description: 'Asks for context before it answers' }, (ctx) => {
    const answer = accepted(ctx.mcpReq.inputResponses?.user_context);
    if (!answer) {
      return inputRequired({ inputRequests: { user_context: askName('What context should the prompt use?', 'context') } }) as never;
    }
    return { messages: [{ role: 'user', content: { type: 'text', text: `Use this context: ${String(answer.context)}` } }] };
  });
}

/** One McpServer with everything, built per request (2026-07-28) or per session (2025-11-25). */
export function conformanceMcpServer(state: FeatureState, codec: RequestStateCodec): McpServer {
  const server = new McpServer(
    { name: 'switchboard-conformance-server', version: '1.0.0' },
    {
      capabilities: {
        tools: { listChanged: true },
        prompts: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        logging: {},
        completions: {},
      },
      requestState: { verify: (value, ctx) => codec.verify(value, ctx) },
    },
  );
  registerContentTools(server);
  registerReportingTools(server);
  registerAskingTools(server);
  registerInputRequiredTools(server, codec);
  registerTriggers(server, state);
  registerResources(server, state);
  registerPrompts(server);
  return server;
}
