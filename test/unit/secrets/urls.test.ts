import { describe, expect, it } from 'vitest';
import { maskUrl, maskUrlsIn, secretsOfUrl } from '../../../src/secrets/urls.js';

describe('maskUrl', () => {
  it.each([
    ['https://example.com/mcp?api_key=SECRET', 'https://example.com/mcp?api_key=[masked]'],
    ['https://example.com/mcp?a=1&b=&c', 'https://example.com/mcp?a=[masked]&b=&[masked]'],
    ['https://user:SECRET@example.com:8443/mcp', 'https://[masked]@example.com:8443/mcp'],
    ['https://ghp_SECRET0123456789@github.com/org/repo.git', 'https://[masked]@github.com/org/repo.git'],
    ['https://example.com/cb#access_token=SECRET', 'https://example.com/cb#[masked]'],
    ['https://mcp.example.com/api/mcp/s/ODk4ZjQ2YjEtNDU3Zi00/mcp', 'https://mcp.example.com/api/mcp/s/[masked]/mcp'],
    ['https://example.com/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe', 'https://example.com/[masked]/getMe'],
    ['https://example.com/x/0123456789abcdef0123456789abcdef', 'https://example.com/x/[masked]'],
    ['https://example.com/?sk_live_51Habc0123456789xyz=1', 'https://example.com/?[masked]=[masked]'],
  ])('masks %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it('keeps what says which service was meant: scheme, host, port and word-like path segments', () => {
    for (const url of [
      'https://api.example.com/v1/repos/octocat/issues',
      'http://[::1]:8080/.well-known/oauth-authorization-server',
      'https://medium.com/@user/post',
      'https://example.com/T00000000/',
      'https://slack.com/api/chat.postMessage',
    ]) {
      expect(maskUrl(url)).toBe(url);
    }
  });

  it('keeps {{variable}} references, which hold no secret themselves', () => {
    expect(maskUrl('https://{{host}}/mcp/{{apiKey}}?key={{apiKey}}&raw=SECRET')).toBe('https://{{host}}/mcp/{{apiKey}}?key={{apiKey}}&raw=[masked]');
  });

  it('masks a password typed with a raw "/", "?" or "#", which splits it across the URL parts', () => {
    expect(maskUrl('https://user:pa/ss@host/x')).toBe('https://[masked]@host/x');
    expect(maskUrl('https://user:pa?ss@host/x')).toBe('https://user:[masked]?[masked]');
    expect(maskUrl('https://user:pa#ss@host')).toBe('https://user:[masked]#[masked]');
  });

  it('returns anything that is not an absolute URL as it is', () => {
    expect(maskUrl('/relative?token=x')).toBe('/relative?token=x');
    expect(maskUrl('just words')).toBe('just words');
  });
});

describe('maskUrlsIn', () => {
  it('masks every URL inside a text and keeps the rest', () => {
    expect(maskUrlsIn('use "https://a:SECRET@b.example/c?d=SECRET" or ftp://e.example/f?SECRET, then stop')).toBe(
      'use "https://[masked]@b.example/c?d=[masked]" or ftp://e.example/f?[masked] then stop',
    );
  });
});

describe('maskUrlsIn on hostile text', () => {
  it('scans a megabyte of scheme-like characters once (a quadratic scan would outlast the test time-out)', () => {
    const text = `${'a.'.repeat(500_000)} http://host/?k=SECRET`;
    expect(maskUrlsIn(text).endsWith(' http://host/?k=[masked]')).toBe(true);
  });
});

describe('secretsOfUrl', () => {
  it('lists, decoded, what maskUrl hides', () => {
    const url = new URL('https://bot:pa%2Fss@mcp.example.com/api/s/ODk4ZjQ2YjEtNDU3Zi00%3D/mcp?api_key=k%20ey&sk_live_0123456789abcdef=1#frag');
    expect(secretsOfUrl(url)).toEqual(['bot', 'pa/ss', 'k ey', 'sk_live_0123456789abcdef', '1', 'ODk4ZjQ2YjEtNDU3Zi00=', 'frag']);
    expect(secretsOfUrl(new URL('https://api.example.com/v1/repos'))).toEqual([]);
  });
});
