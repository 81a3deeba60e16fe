import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, roleAtLeast, type Role } from '../../src/policy/roles.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { api } from '../support/mcp.js';
import { startMcpRegistry, type McpRegistryServer } from '../support/mcpRegistry.js';

/**
 * Every route of GET /api/openapi.json × every kind of caller → allowed or 403, from the role each
 * operation declares (x-switchboard-role). A new route can't ship unclassified: the router's
 * type needs a role, this test needs one in the document, and the table in docs/security.md must list it.
 */
type Operation = { method: string; path: string; role: Role | 'public' };

let app: TestApp;
/** An empty registry on 127.0.0.1, so GET /api/registry/servers answers without the internet. */
let registry: McpRegistryServer;
let operations: Operation[];
const callers: Record<string, { role: Role; headers: Record<string, string> }> = {};

beforeAll(async () => {
  registry = await startMcpRegistry([]);
  app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000', MCP_REGISTRY_URL: registry.url } });
  const document = (await (await fetch(`${app.apiUrl}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { 'x-switchboard-role'?: Role | 'public' }>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, role: operation['x-switchboard-role']! })),
  );
  const key = async (role: Role) =>
    (await api(app.apiUrl, app.apiKey, 'POST', '/api/keys', { name: `${role} key`, userId: `${role}-user`, role })).body.key as string;
  const userToken = (await api(app.apiUrl, app.apiKey, 'POST', '/api/user-tokens', { userId: 'token-user' })).body.token as string;
  callers['admin key'] = { role: 'admin', headers: { authorization: `Bearer ${app.apiKey}` } };
  callers['operator key'] = { role: 'operator', headers: { authorization: `Bearer ${await key('operator')}` } };
  callers['user key'] = { role: 'user', headers: { authorization: `Bearer ${await key('user')}` } };
  callers['user token'] = { role: 'user', headers: { 'x-user-token': userToken } };
});

afterAll(async () => {
  await app?.close();
  await registry?.close();
});

/** Placeholder path parameters name nothing that exists, so an allowed call changes nothing. */
const concrete = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => `missing-${name.toLowerCase()}`);

describe('route × role', () => {
  it('gives every operation a role', () => {
    expect(operations.length).toBeGreaterThan(30);
    for (const operation of operations) {
      expect([...ROLES, 'public'], `${operation.method} ${operation.path}`).toContain(operation.role);
    }
  });

  it('answers 403 exactly where the role is below the route’s', async () => {
    const seen: string[] = [];
    for (const operation of operations.filter(({ role }) => role !== 'public')) {
      for (const [name, caller] of Object.entries(callers)) {
        const hasBody = operation.method === 'POST' || operation.method === 'PUT';
        const response = await fetch(`${app.apiUrl}${concrete(operation.path)}`, {
          method: operation.method,
          headers: { ...caller.headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
          ...(hasBody ? { body: '{}' } : {}),
        });
        const body = (await response.json().catch(() => undefined)) as { error?: { code: string; details?: { requiredRole?: string } } } | undefined;
        const refusedForRole = response.status === 403 && body?.error?.details?.requiredRole !== undefined;
        seen.push(`${operation.method} ${operation.path} as ${name}: ${response.status}`);
        expect(refusedForRole, `${operation.method} ${operation.path} as ${name} (${response.status})`).toBe(!roleAtLeast(caller.role, operation.role as Role));
        expect(response.status, `${operation.method} ${operation.path} as ${name}`).not.toBe(401);
        expect(response.status, `${operation.method} ${operation.path} as ${name}`).toBeLessThan(500);
      }
    }
    expect(seen.length).toBe(operations.filter(({ role }) => role !== 'public').length * 4);
  });

  it('matches the roles table in docs/security.md', async () => {
    const page = await readFile(new URL('../../docs/security.md', import.meta.url), 'utf8');
    const rows = [...page.matchAll(/^\| `(GET|POST|PUT|DELETE) ([^`]+)` \| (\w+) \|/gm)].map(([, method, path, role]) => `${method} ${path} ${role}`);
    const expected = operations.map(({ method, path, role }) => `${method} ${path} ${role}`);
    expect(rows.sort()).toEqual(expected.sort());
  });
});
