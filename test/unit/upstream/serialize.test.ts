import { describe, expect, it } from 'vitest';
import { buildUpstreamRequest } from '../../../src/upstream/request.js';
import type { ActionParameter } from '../../../src/connectors/schema.js';

const noAuth = { headers: {}, query: {} };

function build(parameters: ActionParameter[], values: Record<string, unknown>, extra: { path?: string; method?: 'GET' | 'POST'; bodyEncoding?: 'json' | 'form' } = {}) {
  return buildUpstreamRequest({
    baseUrl: 'https://api.example.test/v1',
    action: { method: extra.method ?? 'GET', path: extra.path ?? '/items', parameters, bodyEncoding: extra.bodyEncoding ?? 'json' },
    parameters: values,
    auth: noAuth,
  });
}

const query = (request: { url: URL }): string => decodeURIComponent(request.url.search);

describe('query parameters serialize by style and explode (OpenAPI 3.1, Style Values)', () => {
  it('form, exploded (the default): arrays repeat the name, objects spread their keys', () => {
    const request = build(
      [
        { name: 'tag', in: 'query', type: 'array', required: false },
        { name: 'point', in: 'query', type: 'object', required: false },
      ],
      { tag: ['a', 'b'], point: { x: 1, y: 2 } },
    );
    expect(query(request)).toBe('?tag=a&tag=b&x=1&y=2');
  });

  it('form, not exploded: comma-separated; space- and pipe-delimited arrays', () => {
    const request = build(
      [
        { name: 'ids', in: 'query', type: 'array', required: false, explode: false },
        { name: 'point', in: 'query', type: 'object', required: false, explode: false },
        { name: 'words', in: 'query', type: 'array', required: false, style: 'spaceDelimited', explode: false },
        { name: 'codes', in: 'query', type: 'array', required: false, style: 'pipeDelimited', explode: false },
      ],
      { ids: [1, 2], point: { x: 1, y: 2 }, words: ['a', 'b'], codes: ['x', 'y'] },
    );
    expect(query(request)).toBe('?ids=1,2&point=x,1,y,2&words=a+b&codes=x|y');
  });

  it("deepObject (apideck's filter[x]=…), nested and with arrays by index", () => {
    const request = build([{ name: 'filter', in: 'query', type: 'object', required: false, style: 'deepObject', explode: true }], {
      filter: { name: 'Acme', owner: { id: 7 }, tags: ['a', 'b'] },
    });
    expect(query(request)).toBe('?filter[name]=Acme&filter[owner][id]=7&filter[tags][0]=a&filter[tags][1]=b');
  });

  it('a parameter the document gives as JSON content goes as JSON text', () => {
    const request = build([{ name: 'where', in: 'query', type: 'object', required: false, contentType: 'application/json' }], { where: { a: 1 } });
    expect(query(request)).toBe('?where={"a":1}');
  });
});

describe('form bodies serialize each field by its encoding', () => {
  it("Stripe's metadata[k]=v and expand[0]=… (deepObject), arrays repeated, objects without an encoding as JSON", () => {
    const request = build(
      [
        { name: 'metadata', in: 'body', type: 'object', required: false, style: 'deepObject', explode: true },
        { name: 'expand', in: 'body', type: 'array', required: false, style: 'deepObject', explode: true },
        { name: 'To', in: 'body', type: 'array', required: false },
        { name: 'extra', in: 'body', type: 'object', required: false },
        { name: 'amount', in: 'body', type: 'integer', required: false },
      ],
      { metadata: { order: '42', note: 'a b' }, expand: ['customer'], To: ['+1', '+2'], extra: { a: 1 }, amount: 500 },
      { method: 'POST', bodyEncoding: 'form' },
    );
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect([...new URLSearchParams(request.body)]).toEqual([
      ['metadata[order]', '42'],
      ['metadata[note]', 'a b'],
      ['expand[0]', 'customer'],
      ['To', '+1'],
      ['To', '+2'],
      ['extra', '{"a":1}'],
      ['amount', '500'],
    ]);
  });
});

describe('path and header parameters', () => {
  it('simple style joins arrays with commas; label and matrix prefix; every part is encoded', () => {
    const request = build(
      [
        { name: 'ids', in: 'path', type: 'array', required: true },
        { name: 'tag', in: 'path', type: 'string', required: true, style: 'label' },
        { name: 'color', in: 'path', type: 'array', required: true, style: 'matrix', explode: true },
        { name: 'X-Ids', in: 'header', type: 'array', required: false },
      ],
      { ids: ['a/b', 'c'], tag: 'x', color: ['red', 'blue'], 'X-Ids': [1, 2] },
      { path: '/items/{ids}/{tag}/{color}' },
    );
    expect(request.url.pathname).toBe('/v1/items/a%2Fb,c/.x/;color=red;color=blue');
    expect(request.headers['x-ids']).toBe('1,2');
  });
});

describe('same-named parameters in two places stay apart', () => {
  it("sendgrid's segment_id in the path and in the query both reach the request", () => {
    const request = build(
      [
        { name: 'segment_id', in: 'path', type: 'string', required: true },
        { name: 'query_segment_id', wireName: 'segment_id', in: 'query', type: 'string', required: true },
      ],
      { segment_id: 'seg-1', query_segment_id: 'seg-2' },
      { path: '/segments/{segment_id}' },
    );
    expect(request.url.pathname).toBe('/v1/segments/seg-1');
    expect(query(request)).toBe('?segment_id=seg-2');
  });

  it('a body field named like a path parameter is sent under its own name', () => {
    const request = build(
      [
        { name: 'id', in: 'path', type: 'string', required: true },
        { name: 'body_id', wireName: 'id', in: 'body', type: 'string', required: true },
      ],
      { id: 'p', body_id: 'b' },
      { path: '/items/{id}', method: 'POST' },
    );
    expect(request.body).toBe('{"id":"b"}');
  });
});
