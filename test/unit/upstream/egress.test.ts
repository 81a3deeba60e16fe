import { describe, expect, it } from 'vitest';
import { checkAddress, checkUrl, classifyAddress, guardedLookup } from '../../../src/upstream/egress.js';

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

  // One address in each IANA special-purpose range (IPv4 and IPv6 registries), by the reason given.
  it.each([
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.0.9', 'reserved (documentation, benchmarking or future use)'],
    ['192.0.2.10', 'reserved (documentation, benchmarking or future use)'],
    ['198.51.100.7', 'reserved (documentation, benchmarking or future use)'],
    ['203.0.113.200', 'reserved (documentation, benchmarking or future use)'],
    ['198.18.0.1', 'reserved (documentation, benchmarking or future use)'],
    ['198.19.255.254', 'reserved (documentation, benchmarking or future use)'],
    ['192.88.99.1', 'reserved (documentation, benchmarking or future use)'],
    ['240.0.0.1', 'reserved (documentation, benchmarking or future use)'],
    ['192.31.196.1', 'AS112'],
    ['192.175.48.1', 'AS112'],
    ['192.52.193.1', 'AMT'],
    ['2001:db8::1', 'reserved (documentation, benchmarking or future use)'],
    ['3fff::1', 'reserved (documentation, benchmarking or future use)'],
    ['2001:2::1', 'benchmarking'],
    ['2001:3::1', 'AMT'],
    ['2001:4:112::1', 'AS112'],
    ['2620:4f:8000::1', 'AS112'],
    ['2001::1', 'Teredo'],
    ['2001:10::1', 'ORCHID'],
    ['2001:20::1', 'ORCHID'],
    ['2001:30::1', 'drone remote ID'],
    ['2001:1::1', 'reserved (documentation, benchmarking or future use)'],
    ['100::1', 'discard-only'],
    ['5f00::1', 'segment routing'],
    ['fec0::1', 'site-local'],
    ['2002:c000:0204::1', '6to4'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::5db8:d822', 'NAT64'],
    ['64:ff9b:1::1', 'NAT64'],
    ['::7f00:1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['::5db8:d822', 'IPv4-compatible'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:93.184.216.34', 'IPv4-mapped'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['::ffff:0:5db8:d822', 'IPv4-translated'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['not-an-address', 'not an IP address'],
  ])('classifies special-purpose %s as %s', (address, reason) => {
    expect(classifyAddress(address)).toBe(reason);
  });

  it('refuses the special forms in IP-literal URLs, naming the IPv4 address inside', () => {
    expect(() => checkUrl(strict, new URL('http://[::ffff:7f00:1]/x'))).toThrow(/\(127\.0\.0\.1\): loopback/);
    expect(() => checkUrl(strict, new URL('http://[64:ff9b::a9fe:a9fe]/x'))).toThrow(/link-local/);
    expect(() => checkUrl(strict, new URL('http://192.0.2.1/x'))).toThrow(/reserved/);
  });

  it('lets public addresses through', () => {
    expect(classifyAddress('93.184.216.34')).toBeUndefined();
    expect(classifyAddress('2606:4700::1111')).toBeUndefined();
    expect(classifyAddress('8.8.8.8')).toBeUndefined();
    expect(classifyAddress('2a00:1450:4001::200e')).toBeUndefined();
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
