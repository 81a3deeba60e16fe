import { describe, expect, it } from 'vitest';
import { validateActionParameters } from '../../../src/connectors/parameters.js';
import type { ActionParameter } from '../../../src/connectors/schema.js';
import { buildUpstreamRequest } from '../../../src/upstream/request.js';

const parameters: ActionParameter[] = [
  { name: 'id', in: 'path', type: 'string', required: true },
  { name: 'limit', in: 'query', type: 'integer', required: false },
  { name: 'state', in: 'query', type: 'string', required: false, enum: ['open', 'closed'] },
  { name: 'X-Trace', in: 'header', type: 'string', required: false },
  { name: 'labels', in: 'body', type: 'array', required: false },
  { name: 'draft', in: 'body', type: 'boolean', required: false },
];
const action = { id: 'update', method: 'PATCH' as const, path: '/items/{id}', parameters, bodyEncoding: 'json' as const };

describe('building the upstream request', () => {
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
  it("keeps a vendor's own JSON media type from a Content-Type parameter and its default (Contentful), never another type", () => {
    const contentType: ActionParameter = { name: 'Content-Type', in: 'header', type: 'string', required: false, default: 'application/vnd.contentful.management.v1+json' };
    const vendorAction = { ...action, parameters: [...parameters, contentType] };
    const values = validateActionParameters('contentful', vendorAction, { id: '1', draft: true });
    const request = buildUpstreamRequest({ baseUrl: 'https://api.example.com', action: vendorAction, parameters: values, auth: { headers: {}, query: {} } });
    expect(request.headers['content-type']).toBe('application/vnd.contentful.management.v1+json');
    expect(JSON.parse(request.body!)).toEqual({ draft: true });
    const plain = buildUpstreamRequest({ baseUrl: 'https://api.example.com', action: vendorAction, parameters: { ...values, 'Content-Type': 'text/plain' }, auth: { headers: {}, query: {} } });
    expect(plain.headers['content-type']).toBe('application/json');
  });
});
