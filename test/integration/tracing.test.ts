import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { connectToFakeSaas } from '../support/fixtures.js';
import { api, connectMcp } from '../support/mcp.js';

/** One execute_action, traced end to end into an in-memory exporter. */
describe('OpenTelemetry traces', () => {
  const exporter = new InMemorySpanExporter();
  let app: TestApp;
  let fake: FakeSaas;
  let client: Client;
  let accessToken: string;

  beforeAll(async () => {
    [app, fake] = await Promise.all([startTestApp({ spanProcessor: new SimpleSpanProcessor(exporter) }), startFakeSaas()]);
    await connectToFakeSaas(app, fake, ['slack']);
    const server = await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'traced' });
    accessToken = String(server.body.accessUrl).split('/').pop()!;
    client = await connectMcp(server.body.accessUrl);
  });
  afterAll(async () => {
    await client?.close();
    await fake?.close();
    await app?.close();
  });

  it('follows one call from the API request through the workflow and activity to the upstream', async () => {
    exporter.reset();
    const result = await client.callTool({
      name: 'execute_action',
      arguments: { connectorId: 'slack', actionId: 'chat_postMessage', parameters: { channel: 'C1', text: 'traced' } },
    });
    expect(result.isError).toBeFalsy();
    // Workflow spans travel through a sink and the request span ends when its socket closes.
    await expect.poll(() => exporter.getFinishedSpans().some((span) => span.name.startsWith('RunWorkflow:'))).toBe(true);
    await expect.poll(() => exporter.getFinishedSpans().some((span) => span.name.startsWith('POST /mcp'))).toBe(true);

    const spans = exporter.getFinishedSpans();
    const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
    const upstream = spans.find((span) => span.attributes['url.full'] === `${fake.url}/chat.postMessage`);
    expect(upstream).toBeDefined();
    const chain: ReadableSpan[] = [];
    for (let span: ReadableSpan | undefined = upstream; span; span = span.parentSpanId ? byId.get(span.parentSpanId) : undefined) {
      chain.unshift(span);
    }
    expect(chain[0]!.name).toMatch(/^POST \/mcp\/[^/]+\/\[redacted\]$/);
    expect(chain.slice(1).map((span) => span.name)).toEqual([
      'StartWorkflow:executeAction',
      'RunWorkflow:executeAction',
      'StartActivity:attemptConnectorAction',
      'RunActivity:attemptConnectorAction',
      'POST',
    ]);
    expect(new Set(chain.map((span) => span.spanContext().traceId)).size).toBe(1);
    expect(upstream!.attributes['http.response.status_code']).toBe(200);
    // Database statements appear under the spans that issued them: the API's checks and the activity's reads.
    const apiSpanId = chain[0]!.spanContext().spanId;
    const activitySpanId = chain[4]!.spanContext().spanId;
    expect(spans.some((span) => span.name.startsWith('db ') && span.parentSpanId === apiSpanId)).toBe(true);
    expect(spans.some((span) => span.name.startsWith('db ') && span.parentSpanId === activitySpanId)).toBe(true);
    // No secret in any span: not the MCP access token, not the upstream bearer token.
    const everything = JSON.stringify(spans.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events })));
    expect(everything).not.toContain(accessToken);
    expect(everything).not.toContain(fake.token);
  });

  it('leaves health probes and metric scrapes out', async () => {
    exporter.reset();
    await fetch(`${app.apiUrl}/readyz`);
    await fetch(`${app.apiUrl}/metrics`);
    await api(app.apiUrl, app.apiKey, 'GET', '/api/servers');
    await expect.poll(() => exporter.getFinishedSpans().some((span) => span.name === 'GET /api/servers')).toBe(true);
    expect(exporter.getFinishedSpans().map((span) => span.name)).not.toEqual(expect.arrayContaining([expect.stringMatching(/readyz|metrics/)]));
  });
});
