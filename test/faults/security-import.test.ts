import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { api } from '../support/mcp.js';

/**
 * A critical finding of the hostile probe: OpenAPI imports that read the server's files through
 * $ref. Each test is the attacker's request, and asserts the refusal and that nothing leaked.
 */
const FILE_CANARY = 'canary-file-content-5c1d8e2f9a7b3064';

let app: TestApp;
let secretDir: string;

const documentWithRef = (ref: string) => ({
  openapi: '3.0.3',
  info: { title: 'Probe', version: '1' },
  servers: [{ url: 'https://probe.example.com' }],
  paths: {
    '/things': {
      get: {
        operationId: 'listThings',
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: ref } } } } },
      },
    },
  },
});

beforeAll(async () => {
  app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  secretDir = await mkdtemp(join(tmpdir(), 'switchboard-secret-'));
  await writeFile(join(secretDir, 'encryption.key'), JSON.stringify({ x: FILE_CANARY }));
  await writeFile(join(secretDir, 'encryption.yaml'), `x: ${FILE_CANARY}\n`);
});

afterAll(async () => {
  await app?.close();
  await rm(secretDir, { recursive: true, force: true });
});

describe('OpenAPI import never reads files or the network', () => {
  const refs = () => [
    `${join(secretDir, 'encryption.key')}#/x`,
    `file://${join(secretDir, 'encryption.key')}#/x`,
    `${join(secretDir, 'encryption.yaml')}`,
    '../../etc/passwd#/x',
    '/proc/self/environ#/x',
    'http://127.0.0.1:1/schema.json#/x',
  ];

  it('refuses every external $ref with INVALID_REQUEST naming it, quoting nothing it points to', async () => {
    for (const ref of refs()) {
      const answer = await api(app.apiUrl, app.apiKey, 'POST', '/api/connectors/import', { document: documentWithRef(ref), id: 'probe' });
      expect(answer.status, ref).toBe(400);
      expect(answer.body.error.code).toBe('INVALID_REQUEST');
      expect(answer.body.error.details.$ref).toBe(ref);
      const text = JSON.stringify(answer.body);
      expect(text).not.toContain(FILE_CANARY);
      expect(text).not.toContain('root:');
      expect(text).not.toContain('DATABASE_URL');
    }
    expect((await api(app.apiUrl, app.apiKey, 'GET', '/api/connectors/probe')).status).toBe(404);
  });

  it('refuses an external $ref hidden in a YAML upload and in a Swagger 2 document', async () => {
    const yaml = `openapi: 3.0.3\ninfo: { title: Probe, version: "1" }\nservers: [{ url: "https://probe.example.com" }]\npaths:\n  /things:\n    get:\n      operationId: listThings\n      responses:\n        "200": { description: ok, content: { application/json: { schema: { $ref: "${join(secretDir, 'encryption.yaml')}" } } } }\n`;
    const fromYaml = await fetch(`${app.apiUrl}/api/connectors/import?id=probe-yaml`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/yaml' },
      body: yaml,
    });
    const yamlText = await fromYaml.text();
    expect(fromYaml.status).toBe(400);
    expect(yamlText).not.toContain(FILE_CANARY);

    const swagger = {
      swagger: '2.0',
      info: { title: 'Old', version: '1' },
      host: 'old.example.net',
      paths: { '/things': { get: { responses: { 200: { description: 'ok', schema: { $ref: `file://${join(secretDir, 'encryption.key')}#/x` } } } } } },
    };
    const fromSwagger = await api(app.apiUrl, app.apiKey, 'POST', '/api/connectors/import', { document: swagger, id: 'probe-swagger' });
    expect(fromSwagger.status).toBe(400);
    expect(JSON.stringify(fromSwagger.body)).not.toContain(FILE_CANARY);
  });

  it('answers a dangling internal $ref and a 10,000-deep document in its own words, never 500', async () => {
    const dangling = await api(app.apiUrl, app.apiKey, 'POST', '/api/connectors/import', { document: documentWithRef('#/components/schemas/Missing'), id: 'probe' });
    expect(dangling.status).toBe(400);
    expect(dangling.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: 'The OpenAPI document is invalid' });

    const deep = `${'{"a":'.repeat(10_000)}{}${'}'.repeat(10_000)}`;
    const response = await fetch(`${app.apiUrl}/api/connectors/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/json' },
      body: `{"document":{"openapi":"3.0.3","info":{"title":"Deep","version":"1"},"paths":{},"x-deep":${deep}}}`,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error).toMatchObject({ code: 'INVALID_REQUEST', details: { limit: 'documentDepth' } });

    const deepYaml = `openapi: 3.0.3\ninfo: {title: Deep, version: "1"}\npaths: {}\nx-deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const yamlResponse = await fetch(`${app.apiUrl}/api/connectors/import?id=deep`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/yaml' },
      body: deepYaml,
    });
    expect(yamlResponse.status).toBe(400);
  });
});

