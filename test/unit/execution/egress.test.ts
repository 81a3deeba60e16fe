import { describe, expect, it } from 'vitest';
import { checkAddress, checkUrl, classifyAddress, guardedLookup } from '../../../src/activities/execution/egress.js';

const strict = { allowPrivate: false, allowHosts: [] };

describe('egress guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['fd12::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.169.254', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
  ])('classifies %s as %s', (address, reason) => {
    expect(classifyAddress(address)).toBe(reason);
  });

  it('lets public addresses through', () => {
    expect(classifyAddress('93.184.216.34')).toBeUndefined();
    expect(classifyAddress('2606:4700::1111')).toBeUndefined();
  });

  it('allows listed hosts and allowPrivate, but metadata only with allowPrivate', () => {
    expect(() => checkAddress(strict, '127.0.0.1', '127.0.0.1')).toThrow(/loopback/);
    expect(() => checkAddress({ allowPrivate: false, allowHosts: ['127.0.0.1'] }, '127.0.0.1', '127.0.0.1')).not.toThrow();
    expect(() =>
      checkAddress({ allowPrivate: false, allowHosts: ['169.254.169.254'] }, '169.254.169.254', '169.254.169.254'),
    ).toThrow(/cloud metadata/);
    expect(() => checkAddress({ allowPrivate: true, allowHosts: [] }, '169.254.169.254', '169.254.169.254')).not.toThrow();
  });

  it('checks IP-literal URLs, which never reach the DNS lookup', () => {
    expect(() => checkUrl(strict, new URL('http://[::1]:8080/x'))).toThrow(/loopback/);
    expect(() => checkUrl(strict, new URL('http://169.254.169.254/latest/meta-data'))).toThrow(/cloud metadata/);
    expect(() => checkUrl(strict, new URL('https://api.example.com/x'))).not.toThrow();
  });

  it('refuses a name that resolves to a forbidden address, in the lookup the socket uses', async () => {
    const lookup = guardedLookup(strict);
    const error = await new Promise<unknown>((resolve) => lookup('localhost', { all: true }, (err) => resolve(err)));
    expect(error).toMatchObject({ code: 'FORBIDDEN', details: { host: 'localhost', reason: 'loopback' } });
    const allowed = guardedLookup({ allowPrivate: false, allowHosts: ['localhost'] });
    const addresses = await new Promise<unknown>((resolve) => allowed('localhost', { all: true }, (_err, result) => resolve(result)));
    expect(Array.isArray(addresses) && addresses.length > 0).toBe(true);
  });
});
