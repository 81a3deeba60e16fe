/**
 * The catalogue's requests against the vendors' own OpenAPI documents. Each vendor document is
 * served by Stoplight Prism's validator on 127.0.0.1 (test/contract/prismHost.ts); one GET, one
 * list and one write action per connector, with their required parameters, go the real way:
 * MCP client → execute_action → Temporal → the attempt activity → HTTP to Prism. Prism's verdict
 * on each call is recorded; the goal is at least 98 % of judged calls accepted. Covers the top
 * SaaS (calls.ts) and a seeded sample of the rest; what is not judged, and why, is in
 * exclusions.ts and docs/catalogue.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { putConnectorSettings } from '../../src/connectors/accountConnectors.js';
import { authVariants, connectorForActionAuth } from '../../src/connectors/authVariants.js';
import type { AuthMethod, ConnectorDefinition } from '../../src/connectors/schema.js';
import { getCatalogConnector, listCatalogConnectors } from '../../src/connectors/sources/catalog.js';
import { createKeyCredential } from '../../src/credentials/lifecycle.js';
import { insertCredential } from '../../src/db/repositories/credentials.js';
import { newId } from '../../src/secrets/tokens.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api, connectMcp, toolError } from '../support/mcp.js';
import { pickActions, requiredParameters, sampleConnectors, variantFor, type CallKind } from './calls.js';
import { ACTIONS_OUTSIDE_DOCUMENT, AUTH_OUTSIDE_DOCUMENT, NOT_JUDGED } from './exclusions.js';
import { startPrismHost, trimDocument, type PrismHost } from './prismHost.js';

const SEED = 'catalogue-contract';
/** Connectors drawn beside the top SaaS. */
const SAMPLE_SIZE = Number(process.env.CONTRACT_SAMPLE ?? 100);
const CONCURRENCY = 3;
const require = createRequire(import.meta.url);

interface CallRecord {
  connectorId: string;
  kind: CallKind;
  actionId: string;
  accepted: boolean;
  violations: string[];
  excused: string[];
}

/**
 * The document a connector's calls are judged by: the vendor document its definition was built
 * from (its source names the package and file), or for a hand-written connector the one in
 * documents/ (Webflow's own, trimmed; the others written from the vendors' references, which
 * publish none: each file says which).
 */
function documentFor(def: ConnectorDefinition): { document: Record<string, any>; origin: string } | undefined {
  const spec = def.source.spec;
  if (def.source.kind === 'hand-written') {
    const file = ['json', 'yaml'].map((ext) => path.join(import.meta.dirname, 'documents', `${def.id}.${ext}`)).find((candidate) => fs.existsSync(candidate));
    if (!file) return undefined;
    const document = readDocument(file);
    const vendorOwn = typeof document.info?.['x-source'] === 'string';
    return { document, origin: vendorOwn ? "the vendor's own document, trimmed (documents/)" : "written from the vendor's reference (documents/)" };
  }
  if (!spec) return undefined;
  const packageName = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
  const file = `${require.resolve(`${packageName}/package.json`).slice(0, -'package.json'.length)}${spec.slice(packageName.length + 1)}`;
  return { document: readDocument(file), origin: 'vendor document' };
}

function readDocument(file: string): Record<string, any> {
  const text = fs.readFileSync(file, 'utf8');
  return /\.ya?ml$/.test(file) ? parseYaml(text) : JSON.parse(text);
}

/** Placeholder secrets of the right shape for a key-based method. */
function fieldsFor(method: AuthMethod): Record<string, string> {
  switch (method.type) {
    case 'apiKey':
      return { apiKey: 'contract-test-key' };
    case 'bearer':
      return { token: 'contract-test-token' };
    case 'basic':
      return { username: 'contract', password: 'test' };
    case 'customHeaders':
      return Object.fromEntries(method.headers.map((header) => [header.name, 'contract-test-value']));
    case 'apiKeys':
      return Object.fromEntries(method.keys.map((key) => [key.name, 'contract-test-value']));
    default:
      return {};
  }
}

describe('catalogue contract: requests the vendors’ documents accept', () => {
  let app: TestApp;
  let host: PrismHost;
  let client: Client;
  let accountId: string;
  const userId = 'default';
  const records: CallRecord[] = [];
  const notJudged: string[] = [];
  /** Hand-written connectors judged, with where their document comes from. */
  const handWrittenJudged: string[] = [];
  const credentials = new Map<string, string>();

  beforeAll(async () => {
    [app, host] = await Promise.all([startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'warn' } }), startPrismHost()]);
    accountId = (await app.database.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
    const server = await api(app.apiUrl, app.apiKey, 'POST', '/api/servers', { name: 'contract test' });
    client = await connectMcp(server.body.accessUrl);
  });
  afterAll(async () => {
    await client?.close();
    await host?.close();
    await app?.close();
  });

  /** A credential of the method's type and variant for the connector, made once. */
  async function credentialFor(def: ConnectorDefinition, method: AuthMethod, variant: string): Promise<string> {
    const key = `${def.id}:${variant}`;
    const known = credentials.get(key);
    if (known) return known;
    let id: string;
    if (method.type === 'oauth2') {
      // The OAuth handshake is another test's subject: a token as the handshake would leave it.
      id = newId('cred');
      const secrets = JSON.stringify({ accessToken: 'contract-test-token', tokenType: 'Bearer' });
      const sealed = app.secretBox.seal(secrets, `credential:${id}`);
      await insertCredential(app.database.db, {
        id, accountId, userId, connectorId: def.id, authType: 'oauth2', variant, status: 'active', secretsEncrypted: sealed, keyId: app.secretBox.keyIdOf(sealed) ?? null, hints: {},
      });
    } else {
      const view = await createKeyCredential({ db: app.database.db, secretBox: app.secretBox }, { accountId, userId }, def, {
        connectorId: def.id,
        authenticationType: method.type as 'apiKey',
        variant,
        fields: fieldsFor(method),
      });
      id = view.credentialId;
    }
    credentials.set(key, id);
    return id;
  }

  async function judgeConnector(connectorId: string): Promise<void> {
    const def = (await getCatalogConnector(connectorId))!;
    const judgedBy = documentFor(def);
    if (!judgedBy) {
      notJudged.push(`${connectorId}: ${NOT_JUDGED[connectorId] ?? "hand-written from the vendor's documentation; no OpenAPI document here"}`);
      return;
    }
    const { document } = judgedBy;
    if (def.source.kind === 'hand-written') handWrittenJudged.push(`${connectorId}: ${judgedBy.origin}`);
    const picks = pickActions(def, SEED);
    await host.load(connectorId, trimDocument(document, picks.map(({ action }) => action)), AUTH_OUTSIDE_DOCUMENT[connectorId]);
    await putConnectorSettings(app.database.db, accountId, connectorId, { baseUrl: host.urlOf(connectorId) });
    for (const { kind, action } of picks) {
      const outside = ACTIONS_OUTSIDE_DOCUMENT[`${connectorId}:${action.id}`];
      if (outside) {
        notJudged.push(`${connectorId} ${kind} ${action.id}: ${outside}`);
        continue;
      }
      const operation = host.operationOf(connectorId, action.method, action.path);
      const methods = connectorForActionAuth(def, action).authMethods;
      const method = variantFor(methods, operation);
      const variant = authVariants(methods).find((candidate) => candidate.method === method)?.variant;
      const credentialId = method && variant ? await credentialFor(def, method, variant) : undefined;
      const result = await client.callTool({
        name: 'execute_action',
        arguments: { connectorId, actionId: action.id, parameters: requiredParameters(action, operation), ...(credentialId ? { credentialId } : {}) },
      });
      const verdicts = host.take(connectorId);
      const verdict = verdicts.at(-1);
      records.push({
        connectorId,
        kind,
        actionId: action.id,
        accepted: verdict !== undefined && verdict.violations.length === 0,
        // A call that never reached the validator is a failure of the real path: counted, with the tool's error.
        violations: verdict ? verdict.violations : [`never reached the validator: ${JSON.stringify(toolError(result) ?? result).slice(0, 300)}`],
        excused: verdict?.excused ?? [],
      });
    }
  }

  it('sends requests that the vendors’ documents accept (≥ 98 % of judged calls)', { timeout: 900_000 }, async () => {
    const { top, sampled } = sampleConnectors(listCatalogConnectors(), SAMPLE_SIZE, SEED);
    const queue = [...top, ...sampled];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await judgeConnector(id);
      }),
    );
    const accepted = records.filter((record) => record.accepted).length;
    const share = accepted / records.length;
    const topRecords = records.filter((record) => (top as string[]).includes(record.connectorId));
    const lines = [
      `catalogue contract: ${accepted} of ${records.length} judged calls accepted (${(share * 100).toFixed(1)} %) on ${new Set(records.map((r) => r.connectorId)).size} connectors`,
      `  top SaaS: ${topRecords.filter((r) => r.accepted).length} of ${topRecords.length} calls on ${new Set(topRecords.map((r) => r.connectorId)).size} connectors; sample: ${sampled.length} connectors (seed "${SEED}")`,
      ...records.filter((record) => !record.accepted).map((record) => `  ✗ ${record.connectorId} ${record.kind} ${record.actionId}: ${record.violations.join(' | ')}`),
      `  excused by the validator's limits or the exclusions (${records.filter((r) => r.excused.length > 0).length} calls):`,
      ...records.filter((record) => record.excused.length > 0).map((record) => `    ${record.connectorId} ${record.actionId}: ${record.excused.join(' | ')}`),
      `  hand-written, judged by (${handWrittenJudged.length}):`,
      ...handWrittenJudged.sort().map((line) => `    ${line}`),
      `  not judged (${notJudged.length}):`,
      ...notJudged.map((line) => `    ${line}`),
    ];
    console.log(lines.join('\n'));
    expect(records.length).toBeGreaterThan(100);
    expect(share).toBeGreaterThanOrEqual(0.98);
    // Every top SaaS is judged unless exclusions.ts says why not.
    expect(notJudged.filter((line) => (top as string[]).includes(line.split(':')[0]!) && !(line.split(':')[0]! in NOT_JUDGED))).toEqual([]);
  });
});
