import { describe, expect, it } from 'vitest';
import { retryDelaySeconds } from '../../../src/activities/execution.js';
import { buildUpstreamRequest } from '../../../src/upstream/request.js';
import { actionParametersSchema, validateActionParameters } from '../../../src/connectors/parameters.js';
import type { ActionParameter } from '../../../src/connectors/schema.js';

const parameters: ActionParameter[] = [
  { name: 'id', in: 'path', type: 'string', required: true },
  { name: 'limit', in: 'query', type: 'integer', required: false },
  { name: 'state', in: 'query', type: 'string', required: false, enum: ['open', 'closed'] },
  { name: 'X-Trace', in: 'header', type: 'string', required: false },
  { name: 'labels', in: 'body', type: 'array', required: false },
  { name: 'draft', in: 'body', type: 'boolean', required: false },
];
const action = { id: 'update', method: 'PATCH' as const, path: '/items/{id}', parameters, bodyEncoding: 'json' as const };

describe('action parameters', () => {
  it('builds a zod schema from the definition', () => {
    expect(actionParametersSchema(action).parse({ id: 'a', limit: 3, labels: ['x'] })).toEqual({ id: 'a', limit: 3, labels: ['x'] });
  });

  it('lists every problem at once', () => {
    let details: Record<string, unknown> = {};
    try {
      validateActionParameters('acme', action, { limit: 2.5, state: 'merged', extra: 1 });
    } catch (error) {
      details = (error as { details: Record<string, unknown> }).details;
    }
    expect(details.issues).toEqual(
      expect.arrayContaining([
        { parameter: 'id', message: 'required parameter is missing' },
        expect.objectContaining({ parameter: 'limit' }),
        { parameter: 'state', message: 'must be one of: "open", "closed"' },
        { parameter: 'extra', message: 'unknown parameter' },
      ]),
    );
  });

  it('maps parameters onto path, query, headers and a JSON body; auth wins over parameters', () => {
    const request = buildUpstreamRequest({
      baseUrl: 'https://api.example.com/v1/',
      action,
      parameters: { id: 'a/b c', limit: 5, 'X-Trace': 't1', labels: ['bug'], draft: false },
      auth: { headers: { authorization: 'Bearer s3cret' }, query: { api_key: 'k' } },
    });
    expect(request.url.toString()).toBe('https://api.example.com/v1/items/a%2Fb%20c?limit=5&api_key=k');
    expect(request.headers).toMatchObject({ 'x-trace': 't1', authorization: 'Bearer s3cret', 'content-type': 'application/json' });
    expect(JSON.parse(request.body!)).toEqual({ labels: ['bug'], draft: false });
  });

  it.each(['.', '..'])('refuses %j as a path value, which would step out of its segment', (value) => {
    expect(() => validateActionParameters('acme', action, { id: value })).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ issues: [expect.objectContaining({ parameter: 'id' })] }) }),
    );
    expect(() => buildUpstreamRequest({ baseUrl: 'https://api.example.com', action, parameters: { id: value }, auth: { headers: {}, query: {} } })).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST', details: { parameter: 'id' } }),
    );
  });

  it.each([
    ['../x', '..%2Fx'],
    ['...', '...'],
    ['.hidden', '.hidden'],
    ['%2e%2e', '%252e%252e'],
    ['a/../../b', 'a%2F..%2F..%2Fb'],
  ])('keeps the injection attempt %j inside one segment', (value, encoded) => {
    const request = buildUpstreamRequest({ baseUrl: 'https://api.example.com/v1', action, parameters: { id: value }, auth: { headers: {}, query: {} } });
    expect(request.url.pathname).toBe(`/v1/items/${encoded}`);
    expect(validateActionParameters('acme', action, { id: value })).toEqual({ id: value });
  });

  it('encodes form bodies and sends the idempotency key header', () => {
    const request = buildUpstreamRequest({
      baseUrl: 'https://api.example.com',
      action: { ...action, method: 'POST', bodyEncoding: 'form', idempotencyKeyHeader: 'Idempotency-Key' },
      parameters: { id: '1', labels: ['a'], draft: true },
      auth: { headers: {}, query: {} },
      idempotencyKey: 'execute-action/s/1',
    });
    // An array field repeats its name (form style), never JSON text.
    expect(request.body).toBe('labels=a&draft=true');
    expect(request.headers['idempotency-key']).toBe('execute-action/s/1');
  });

  it('reads Retry-After as seconds or a date, and a connector reset header', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelaySeconds({ 'retry-after': '7' }, undefined, now)).toBe(7);
    expect(retryDelaySeconds({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, undefined, now)).toBe(30);
    const github = { requestsPerSecond: 1, headers: { retryAfter: 'retry-after', reset: 'x-ratelimit-reset', resetUnit: 'epoch-seconds' as const } };
    expect(retryDelaySeconds({ 'x-ratelimit-reset': String(now / 1000 + 12) }, github, now)).toBe(12);
    expect(retryDelaySeconds({}, undefined, now)).toBeUndefined();
  });
});
