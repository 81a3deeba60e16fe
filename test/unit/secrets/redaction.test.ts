import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';
import {
  formsOf,
  redactEachCall,
  redactionScope,
  Redactor,
  secretsOfAuth,
  secretsOfHeaderValue,
  withRedaction,
} from '../../../src/secrets/redaction.js';
import { captureLogs } from '../../support/logs.js';

const SECRET = 'p@ss w0rd/+&"canary\\42';

describe('redaction by value', () => {
  it.each([
    ['raw', SECRET],
    ['with encodeURIComponent', encodeURIComponent(SECRET)],
    ['with lower-case percent escapes', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())],
    ['form-encoded', new URLSearchParams({ k: SECRET }).toString().slice(2)],
    ['in base64', Buffer.from(SECRET).toString('base64')],
    ['in base64url', Buffer.from(SECRET).toString('base64url')],
    ['in a JSON string', JSON.stringify(SECRET).slice(1, -1)],
    ['as JSON inside a JSON string', JSON.stringify(JSON.stringify(SECRET).slice(1, -1)).slice(1, -1)],
  ])('scrubs the secret written %s', (_form, written) => {
    const redactor = new Redactor([SECRET]);
    const text = `before ${written} after`;
    expect(redactor.text(text)).toBe('before [redacted] after');
  });

  it('knows the forms it looks for', () => {
    expect(formsOf('abc def')).toEqual(expect.arrayContaining(['abc def', 'abc%20def', 'abc+def', 'YWJjIGRlZg==', 'YWJjIGRlZg']));
  });

  it('finds the password inside basic auth, decoded or alone, and the token after a scheme', () => {
    const basic = `Basic ${Buffer.from(`alice:${SECRET}`).toString('base64')}`;
    expect(secretsOfHeaderValue(basic)).toEqual([basic, basic.slice(6), `alice:${SECRET}`, SECRET]);
    expect(secretsOfHeaderValue('Bearer tok_123456')).toEqual(['Bearer tok_123456', 'tok_123456']);
    const redactor = new Redactor(secretsOfAuth({ headers: { authorization: basic }, query: { api_key: 'query-key-123' } }));
    expect(redactor.text(`{"user":"alice","password":"${JSON.stringify(SECRET).slice(1, -1)}","decoded":"alice:${SECRET}"}`)).toBe(
      '{"user":"alice","password":"[redacted]","decoded":"[redacted]"}',
    );
    expect(redactor.text('GET /x?api_key=query-key-123')).toBe('GET /x?api_key=[redacted]');
  });

  it('leaves values too short to be told from ordinary text', () => {
    expect(new Redactor(['abc', '']).text('abc')).toBe('abc');
  });

  it('scrubs strings and keys anywhere in a value, deep ones included', () => {
    const redactor = new Redactor([SECRET]);
    let deep: unknown = SECRET;
    for (let i = 0; i < 200; i++) deep = [deep];
    const out = redactor.value({ [SECRET]: { list: [1, true, null, `x${SECRET}`] }, deep });
    expect(JSON.stringify(out)).not.toContain('canary');
    expect(out).toMatchObject({ '[redacted]': { list: [1, true, null, 'x[redacted]'] } });
  });

  it('scrubs a failure in place: message, stack, details and cause', () => {
    const failure = ApplicationFailure.create({
      type: 'UPSTREAM_ERROR',
      message: `echo ${SECRET}`,
      details: [{ body: `{"auth":"${SECRET}"}` }],
      nonRetryable: true,
      cause: new Error(`inner ${SECRET}`),
    });
    const scrubbed = new Redactor([SECRET]).error(failure);
    expect(scrubbed).toBe(failure);
    expect(scrubbed.nonRetryable).toBe(true);
    expect(`${scrubbed.message} ${scrubbed.stack} ${JSON.stringify(scrubbed.details)} ${scrubbed.cause?.message}`).not.toContain('canary');
  });

  it('scrubs the result, the error and the log lines of one call, and nothing outside it', async () => {
    const logs = captureLogs();
    const logger = createLogger('info', logs.stream);
    const activities = redactEachCall({
      async succeed(token: string) {
        redactionScope()!.add([token]);
        logger.info({ upstreamBody: `echo ${token}` }, 'within the call');
        return { echoed: token };
      },
      async fail(token: string) {
        redactionScope()!.add([token]);
        throw new Error(`upstream said ${encodeURIComponent(token)}`);
      },
    });
    expect(await activities.succeed(SECRET)).toEqual({ echoed: '[redacted]' });
    await expect(activities.fail(SECRET)).rejects.toThrow('upstream said [redacted]');
    logger.info({ unrelated: SECRET }, 'outside any call');
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs.lines[0]).toContain('echo [redacted]');
    expect(logs.lines[0]).not.toContain('canary');
    // Outside a call nothing is known to scrub; pino's field-name paths remain the only net.
    expect(logs.lines[1]).toContain('canary');
    expect(await withRedaction(async () => 'plain')).toBe('plain');
  });
});
