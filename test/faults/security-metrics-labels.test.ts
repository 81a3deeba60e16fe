import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startFakeSaas, type FakeSaas } from '../support/fakeSaas.js';
import { connectToFakeSaas } from '../support/fixtures.js';
import { api, connectMcp, toolError } from '../support/mcp.js';

/**
 * Issue 25, finding 5: every execute_action with a made-up connector id added a `connector=`
 * series to /metrics (CONNECTOR_NOT_FOUND was not filtered), so any MCP caller could grow the
 * scrape without bound. Replayed: 30 made-up ids through every refusal a caller can provoke; the
 * only connector labels afterwards are the real connector and `unknown`.
 */
const MADE_UP = 'made-up-connector';

let app: TestApp;
let fake: FakeSaas;
let client: Client;

beforeAll(async () => {
  [app, fake] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }), startFakeSaas()]);
  await connectToFakeSaas(app, fake, ['slack']);
  const server = await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'labels' });
  client = await connectMcp(server.body.accessUrl);
});
afterAll(async () => {
  await client?.close();
  await fake?.close();
  await app?.close();
});

/** Every label value of every sample on the page, by label name. */
function labelValues(text: string): Map<string, Set<string>> {
  const values = new Map<string, Set<string>>();
  for (const [, name, value] of text.matchAll(/[{,]([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) {
    if (!values.has(name!)) values.set(name!, new Set());
    values.get(name!)!.add(value!);
  }
  return values;
}

describe('metric labels', () => {
  it('made-up connector ids add no series: only known connectors and `unknown` are labels', async () => {
    const execute = (connectorId: string, actionId = 'chat_postMessage') =>
      client.callTool({ name: 'execute_action', arguments: { connectorId, actionId, parameters: { channel: 'C1', text: 'hi' } } });
    expect((await execute('slack')).isError).toBeFalsy();

    const codes = new Set<string>();
    for (let i = 0; i < 30; i++) {
      // Plain, remote-MCP-shaped and custom-shaped ids, each new.
      const connectorId = [`${MADE_UP}-${i}`, `mcp-${MADE_UP}-${i}`, `${MADE_UP}_${i}`][i % 3]!;
      const refused = await execute(connectorId);
      expect(refused.isError).toBe(true);
      codes.add(toolError(refused)!.code);
    }
    // An mcp- id that no server was given is refused by the policy before any lookup.
    expect([...codes].sort()).toEqual(['CONNECTOR_NOT_FOUND', 'FORBIDDEN']);
    // A real connector with a made-up action: the connector is known, the action id is never a label.
    expect(toolError(await execute('slack', `${MADE_UP}-action`))?.code).toBe('ACTION_NOT_FOUND');

    const text = await (await fetch(`${app.apiUrl}/metrics`)).text();
    expect(text).not.toContain(MADE_UP);
    const labels = labelValues(text);
    expect([...labels.get('connector')!].sort()).toEqual(['slack', 'unknown']);
    const unknownCounts = [...text.matchAll(/^switchboard_execute_action_duration_seconds_count\{connector="unknown",outcome="[A-Z_]+"\} (\d+)$/gm)];
    expect(unknownCounts.reduce((sum, [, count]) => sum + Number(count), 0)).toBe(30);
    expect(text).toMatch(/switchboard_execute_action_duration_seconds_count\{connector="slack",outcome="ACTION_NOT_FOUND"\} 1/);
  });
});
