import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startOAuthUpstream, useOAuthUpstreamForSlack } from '../support/fixtures.js';
import { api, connectMcp, toolError } from '../support/mcp.js';
import type { OAuthServerHandle } from '../support/oauthServer.js';
import type { TokenCheckedApi } from '../support/tokenCheckedApi.js';

const CLIENT_SECRET = 'front-door-reads-client-secret-0123';

/**
 * What one call reads, counted from its trace: every database statement is a span under the
 * span that issued it (the API request, or an activity of the workflow it started).
 */
describe('reads along one OAuth connect', () => {
  const exporter = new InMemorySpanExporter();
  let app: TestApp;
  let provider: OAuthServerHandle;
  let upstream: TokenCheckedApi;
  let accessUrl: string;

  beforeAll(async () => {
    app = await startTestApp({ spanProcessor: new SimpleSpanProcessor(exporter) });
    ({ provider, upstream } = await startOAuthUpstream(app, CLIENT_SECRET));
    await useOAuthUpstreamForSlack(app, { provider, upstream }, CLIENT_SECRET);
    accessUrl = (await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'front door reads' })).body.accessUrl;
  });

  afterAll(async () => {
    await upstream?.close();
    await provider?.close();
    await app?.close();
  });

  const readsOf = (spans: ReadableSpan[], table: string) =>
    spans.filter((span) => span.name === 'db select' && String(span.attributes['db.statement']).includes(`from "${table}"`));

  it("reads the account's OAuth app once at the front door, and once in the activity that builds the link", async () => {
    const client = await connectMcp(accessUrl);
    try {
      exporter.reset();
      const result = await client.callTool({ name: 'execute_action', arguments: { connectorId: 'slack', actionId: 'conversations_list' } });
      expect(toolError(result)).toMatchObject({ code: 'CREDENTIAL_NOT_FOUND', details: { authorizationUrl: expect.stringContaining(provider.endpoints.authorization) } });
      // The request span ends when its socket closes; the handshake's first activity ended before the link came back.
      await expect.poll(() => exporter.getFinishedSpans().some((span) => span.name.startsWith('POST /mcp'))).toBe(true);
      const spans = exporter.getFinishedSpans();
      const request = spans.find((span) => span.name.startsWith('POST /mcp'))!;
      const inCall = spans.filter((span) => span.spanContext().traceId === request.spanContext().traceId);
      const activity = inCall.find((span) => span.name === 'RunActivity:prepareAuthorization')!;
      expect(activity).toBeDefined();

      const appReads = readsOf(inCall, 'oauth_apps');
      const where = (span: ReadableSpan) =>
        span.parentSpanId === request.spanContext().spanId ? 'front door' : span.parentSpanId === activity.spanContext().spanId ? 'activity' : 'elsewhere';
      expect(appReads.map(where).sort()).toEqual(['activity', 'front door']);
    } finally {
      await client.close();
    }
  });
});
