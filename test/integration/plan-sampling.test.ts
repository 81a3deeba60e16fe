/**
 * discover_action_path asking the client's model for a plan (MCP sampling, protocol 2026-07-28):
 * the official SDK v2 client answers the input_required round with its sampling handler and
 * retries; the proposal is checked against the connector before it is offered, and an accepted
 * plan runs through execute_plan to an upstream on 127.0.0.1. The model is the one thing mocked:
 * the test's sampling handler answers as a model would (no model can run here).
 */
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { api, connectMcp } from '../support/mcp.js';

let app: TestApp;
let fake: FakeSaas;
let accessUrl: string;
const clients: Array<{ close(): Promise<void> }> = [];
/** What the "model" answers next, and what it was asked. */
let modelAnswer = '';
const asked: string[] = [];

const connector = () => ({
  id: 'paint-shop',
  name: 'Paint shop',
  baseUrl: fake.url,
  authMethods: [{ type: 'none' }],
  resources: [{ id: 'orders', name: 'Orders' }],
  actions: [
    {
      id: 'mixBatch', resource: 'orders', title: 'Mix a batch', description: 'Mixes paint', method: 'GET', path: '/echo', response: {},
      parameters: [{ name: 'shade', in: 'query', type: 'string', required: true, enum: ['crimson', 'teal'] }, { name: 'litres', in: 'query', type: 'integer', required: false }],
    },
  ],
});

async function clientWithSampling(): Promise<ClientV2> {
  const client = new ClientV2({ name: 'sampling-client', version: '1.0.0' }, { capabilities: { sampling: {} }, versionNegotiation: { mode: 'auto' } });
  client.setRequestHandler('sampling/createMessage', async (request) => {
    const message = (request.params as { messages: Array<{ content: { text: string } }> }).messages[0]!;
    asked.push(message.content.text);
    return { role: 'assistant', model: 'test-model', content: { type: 'text', text: modelAnswer } };
  });
  await client.connect(new TransportV2(new URL(accessUrl)));
  clients.push(client);
  expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
  return client;
}

const discover = async (client: { callTool: ClientV2['callTool'] }, goal: string, proposer?: string) => {
  const result = await client.callTool({ name: 'discover_action_path', arguments: { connectorId: 'paint-shop', goal, ...(proposer ? { proposer } : {}) } });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result.structuredContent as Record<string, any>;
};

beforeAll(async () => {
  [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000' } }), startFakeSaas()]);
  const call = (method: string, path: string, body?: unknown) => api(app.apiUrl, app.apiKey, method, path, body);
  expect((await call('POST', '/api/connectors', connector())).status).toBe(201);
  accessUrl = (await call('POST', '/api/servers', { name: 'sampling' })).body.accessUrl;
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await fake?.close();
  await app?.close();
});
beforeEach(() => {
  asked.length = 0;
  fake.reset();
});

describe("discover_action_path with the client's model", () => {
  it('asks the model when the rules find no plan, offers its checked plan, and the plan runs', async () => {
    const client = await clientWithSampling();
    modelAnswer = '```json\n{"steps": [{"actionId": "mixBatch", "parameters": {"shade": "teal", "litres": 4}, "why": "a teal batch of 4 litres"}]}\n```';
    const outcome = await discover(client, 'brew four litres of sea-green colour');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('Goal: brew four litres of sea-green colour');
    expect(asked[0]).toContain('mixBatch (GET /echo)');
    expect(outcome).toMatchObject({
      status: 'planned',
      source: 'client-model',
      proposal: { status: 'accepted' },
      plan: { connectorId: 'paint-shop', steps: [{ actionId: 'mixBatch', parameters: { shade: 'teal', litres: 4 } }] },
      missingInputs: [],
    });

    const run = await client.callTool({ name: 'execute_plan', arguments: { plan: outcome.plan } });
    expect(run.isError, JSON.stringify(run.content)).toBeFalsy();
    expect(fake.requests.at(-1)).toMatchObject({ path: '/echo', query: { shade: 'teal', litres: '4' } });
  });

  it('refuses a proposal the connector cannot run and says why; the rules\' outcome stands', async () => {
    const client = await clientWithSampling();
    modelAnswer = '{"steps": [{"actionId": "mixBatch", "parameters": {"shade": "sea-green", "glitter": true}}]}';
    const outcome = await discover(client, 'brew some sea-green colour');
    expect(outcome).toMatchObject({ status: 'no_plan', source: 'rules', proposal: { status: 'rejected' } });
    expect(outcome.proposal.problems).toEqual(['step 1: "shade" must be one of crimson, teal', 'step 1: mixBatch has no parameter "glitter"']);
  });

  it('keeps to the rules when they find a plan (auto) or when told to, and asks the model when told to', async () => {
    const client = await clientWithSampling();
    modelAnswer = '{"steps": [{"actionId": "mixBatch", "parameters": {"shade": "crimson"}}]}';
    expect(await discover(client, 'mix a batch of teal')).toMatchObject({ source: 'rules', status: 'planned' });
    expect(await discover(client, 'brew sea-green colour', 'rules')).toMatchObject({ source: 'rules', status: 'no_plan' });
    expect(asked).toHaveLength(0);
    expect(await discover(client, 'mix a batch of teal', 'client-model')).toMatchObject({ source: 'client-model', plan: { steps: [{ parameters: { shade: 'crimson' } }] } });
    expect(asked).toHaveLength(1);
  });

  it('says the model was not asked on a 2025-era session, which cannot wait for its answer', async () => {
    const client = await connectMcp(accessUrl);
    clients.push(client);
    const outcome = await discover(client as unknown as ClientV2, 'brew sea-green colour', 'client-model');
    expect(outcome).toMatchObject({ source: 'rules', status: 'no_plan', proposal: { status: 'unavailable' } });
    expect(asked).toHaveLength(0);
  });
});
