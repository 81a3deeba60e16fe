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

  it('keeps a long value as its length and digest: an uploaded module is not copied into the audit log', () => {
    const module = 'A'.repeat(100_000);
    const masked = maskForAudit({ name: 'echo', module, note: 'short' }) as Record<string, string>;
    expect(masked.module).toMatch(/^\[100000 characters, sha256 [0-9a-f]{64}\]$/);
    expect(masked.note).toBe('short');
    expect(maskForAudit({ module: 'B'.repeat(100_000) })).not.toEqual({ module: masked.module });
  });

  it('masks hints: a hint is part of a secret', () => {
    expect(maskForAudit({ keyHint: 'Amrbmo', name: 'ci' })).toEqual({ keyHint: '[masked]', name: 'ci' });
  });

  it('keeps fields that only refer to secrets', () => {
    const value = { credentialId: 'cred_1', tokenUrl: 'https://x/token', keyId: 'key_1', authenticationType: 'bearer', tokenEndpointAuthMethod: 'client_secret_post' };
    expect(maskForAudit(value)).toEqual(value);
  });

  it('masks the secrets of every URL by value, whatever the field or key is called and however deep', () => {
    const body = {
      url: 'https://example.com/mcp?api_key=SECRET-1&page=2',
      baseUrl: 'https://user:SECRET-2@api.example.com:8443/v1',
      tokenUrl: 'https://auth.example.com/token#access_token=SECRET-3',
      name: 'pasted https://mcp.example.com/s/sk-live-4f5e6d7c8b9a0f1e/mcp here',
      nested: [{ anything: 'wss://hooks.example.com/?SECRET-4' }],
      'https://k.example.com/?k=hidden-5': 'a URL as a key',
    };
    const masked = maskForAudit(body);
    expect(JSON.stringify(masked)).not.toMatch(/SECRET|sk-live|hidden/);
    expect(masked).toEqual({
      url: 'https://example.com/mcp?api_key=[masked]&page=[masked]',
      baseUrl: 'https://[masked]@api.example.com:8443/v1',
      tokenUrl: 'https://auth.example.com/token#[masked]',
      name: 'pasted https://mcp.example.com/s/[masked]/mcp here',
      nested: [{ anything: 'wss://hooks.example.com/?[masked]' }],
      'https://k.example.com/?k=[masked]': 'a URL as a key',
    });
  });

  it('cuts known secret values out of every other string, keys included', () => {
    expect(maskForAudit({ clientSecret: 'sekret-value-1', note: 'see sekret-value-1', list: ['a sekret-value-1 b'] })).toEqual({
      clientSecret: '[masked]',
      note: 'see [redacted]',
      list: ['a [redacted] b'],
    });
    expect(maskForAudit({ note: 'uses tok_123456' }, ['tok_123456'])).toEqual({ note: 'uses [redacted]' });
  });

  it('cuts a known secret out in the forms a header or a text carries it, as the call redactor does', () => {
    const secret = 'p@ss w0rd/+';
    expect(maskForAudit({ password: secret, note: `p=${encodeURIComponent(secret)}`, other: Buffer.from(secret).toString('base64') })).toEqual({
      password: '[masked]',
      note: 'p=[redacted]',
      other: '[redacted]',
    });
  });

  it('leaves short values alone where they would cut ordinary words', () => {
    expect(maskForAudit({ password: 'a', description: 'a cat' })).toEqual({ password: '[masked]', description: 'a cat' });
  });

  it('masks a stdio connector\'s env and a registry install\'s values whole: their names say nothing of what is secret', () => {
    const body = { env: { DATABASE_URL: 'postgres://reader:pw-0123456789@db/app' }, values: { REGION: 'eu-secret-region-42' }, name: 'Weather' };
    expect(maskForAudit(body)).toEqual({ env: '[masked]', values: '[masked]', name: 'Weather' });
  });
});
