import { describe, expect, it } from 'vitest';
import { maskForAudit } from '../../../src/audit/redact.js';

describe('maskForAudit', () => {
  it('masks secret-looking fields whole, however deep', () => {
    expect(
      maskForAudit({
        name: 'ci',
        clientSecret: 'abcdef123456',
        fields: { token: 'xoxb-1', username: 'bob' },
        nested: [{ password: 'hunter2hunter2', apiKey: 'k' }],
        headers: { Authorization: 'Bearer x' },
      }),
    ).toEqual({ name: 'ci', clientSecret: '[masked]', fields: '[masked]', nested: [{ password: '[masked]', apiKey: '[masked]' }], headers: '[masked]' });
  });

  it('masks hints: a hint is part of a secret', () => {
    expect(maskForAudit({ keyHint: 'Amrbmo', name: 'ci' })).toEqual({ keyHint: '[masked]', name: 'ci' });
  });

  it('keeps fields that only refer to secrets', () => {
    const value = { credentialId: 'cred_1', tokenUrl: 'https://x/token', keyId: 'key_1', authenticationType: 'bearer', tokenEndpointAuthMethod: 'client_secret_post' };
    expect(maskForAudit(value)).toEqual(value);
  });

  it('cuts known secret values out of every other string, keys included', () => {
    expect(maskForAudit({ clientSecret: 'sekret-value-1', url: 'https://x/?s=sekret-value-1', list: ['a sekret-value-1 b'] })).toEqual({
      clientSecret: '[masked]',
      url: 'https://x/?s=[redacted]',
      list: ['a [redacted] b'],
    });
    expect(maskForAudit({ note: 'uses tok_123456' }, ['tok_123456'])).toEqual({ note: 'uses [redacted]' });
  });

  it('cuts a known secret out in the forms a URL or header carries it, as the call redactor does', () => {
    const secret = 'p@ss w0rd/+';
    expect(maskForAudit({ password: secret, url: `https://x/?p=${encodeURIComponent(secret)}`, note: Buffer.from(secret).toString('base64') })).toEqual({
      password: '[masked]',
      url: 'https://x/?p=[redacted]',
      note: '[redacted]',
    });
  });

  it('leaves short values alone where they would cut ordinary words', () => {
    expect(maskForAudit({ password: 'a', description: 'a cat' })).toEqual({ password: '[masked]', description: 'a cat' });
  });
});
