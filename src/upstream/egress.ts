import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';
import type { Config } from '../config.js';
import { ForbiddenError } from '../errors.js';

/** Instance-metadata endpoints hand out cloud credentials: only EGRESS_ALLOW_PRIVATE opens them. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

/**
 * Words for ipaddr.js range() names. Every range it names other than 'unicast' is in an IANA
 * special-purpose registry (IPv4 or IPv6) and so never a SaaS API's address; names missing here
 * are reported as ipaddr.js spells them, so a range added by a new ipaddr.js is refused too.
 */
const REASONS: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'site-local',
  reserved: 'reserved (documentation, benchmarking or future use)',
  benchmarking: 'benchmarking',
  as112: 'AS112',
  as112v6: 'AS112',
  amt: 'AMT',
  discard: 'discard-only',
  ipv4Mapped: 'IPv4-mapped',
  rfc6145: 'IPv4-translated',
  rfc6052: 'NAT64',
  wellKnownNat64: 'NAT64',
  ipv4Compatible: 'IPv4-compatible',
  '6to4': '6to4',
  teredo: 'Teredo',
  deprecatedOrchid: 'ORCHID',
  orchid2: 'ORCHID',
  droneRemoteIdProtocolEntityTags: 'drone remote ID',
  segmentRouting: 'segment routing',
};

/** IPv6 forms that carry an IPv4 address in their last 32 bits: ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d … */
const EMBEDS_IPV4 = new Set(['ipv4Mapped', 'rfc6145', 'wellKnownNat64', 'ipv4Compatible']);

function rangeOf(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  if (address.kind() === 'ipv4') return address.range();
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  // ::a.b.c.d (deprecated "IPv4-compatible", RFC 4291) is not named by ipaddr.js; :: and ::1 are.
  if (range === 'unicast' && v6.parts.slice(0, 6).every((part) => part === 0)) return 'ipv4Compatible';
  // 64:ff9b::/96 (RFC 6052) has the IPv4 address last; the local-use 64:ff9b:1::/48 need not.
  if (range === 'rfc6052' && v6.parts.slice(2, 6).every((part) => part === 0)) return 'wellKnownNat64';
  return range;
}

function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 {
  const [high, low] = address.parts.slice(6) as [number, number];
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** The address in its canonical text (an IPv4 address written in IPv6 becomes a.b.c.d), for messages. */
function canonical(raw: string): string {
  if (!ipaddr.isValid(raw)) return raw.toLowerCase();
  const parsed = ipaddr.parse(raw);
  return parsed.kind() === 'ipv6' && rangeOf(parsed) === 'ipv4Mapped' ? embeddedIpv4(parsed as ipaddr.IPv6).toString() : parsed.toString();
}

/** Why an address is not a public unicast one, or undefined when it is. */
export function classifyAddress(raw: string): string | undefined {
  if (!ipaddr.isValid(raw)) return 'not an IP address';
  const address = ipaddr.parse(raw);
  if (METADATA_ADDRESSES.has(canonical(raw))) return 'cloud metadata';
  const range = rangeOf(address);
  if (range === 'unicast') return undefined;
  if (EMBEDS_IPV4.has(range)) {
    // Judged as the IPv4 address inside when that one is special (::ffff:127.0.0.1 is loopback).
    const inner = embeddedIpv4(address as ipaddr.IPv6).range();
    if (inner !== 'unicast') return REASONS[inner] ?? inner;
    return REASONS[range] ?? range;
  }
  return REASONS[range] ?? range;
}

export class EgressRefusedError extends ForbiddenError {
  constructor(host: string, address: string, reason: string) {
    super(`Refusing to call ${host} (${address}): ${reason} addresses are not reachable from connectors`, {
      host,
      address,
      reason,
    });
  }
}

export type EgressPolicy = Config['egress'];

export function checkAddress(policy: EgressPolicy, host: string, address: string): void {
  if (policy.allowPrivate) return;
  const reason = classifyAddress(address);
  if (!reason) return;
  if (reason !== 'cloud metadata' && policy.allowHosts.includes(host.toLowerCase())) return;
  throw new EgressRefusedError(host, canonical(address), reason);
}

/** Hosts given as IP literals never reach the DNS lookup below, so they are checked up front. */
export function checkUrl(policy: EgressPolicy, url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) checkAddress(policy, host, host);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A DNS lookup that refuses forbidden addresses. The socket connects to the very addresses this
 * function checked, so a second, different DNS answer (rebinding) can never be used.
 */
export function guardedLookup(policy: EgressPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, family: Number(options.family ?? 0) || 0 }, (error, addresses) => {
      if (error) return callback(error, []);
      try {
        for (const { address } of addresses) checkAddress(policy, hostname, address);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * One pooled dispatcher per worker: keep-alive connections are reused, and each was checked when
 * opened. No cap on connections per origin: every tenant calling the same SaaS host shares this
 * pool, and a cap would queue one tenant's quick call behind another's slow ones (with 64, a
 * storm of 20 s calls held a bystander for 13 s). What is in flight is bounded per account
 * instead (ACCOUNT_MAX_IN_FLIGHT, docs/fair-execution.md).
 */
export function createUpstreamAgent(config: Pick<Config, 'egress'> & { upstream: Pick<Config['upstream'], 'connectTimeoutMs' | 'totalTimeoutMs'> }): Agent {
  return new Agent({
    connect: { lookup: guardedLookup(config.egress), timeout: config.upstream.connectTimeoutMs },
    headersTimeout: config.upstream.totalTimeoutMs,
    bodyTimeout: config.upstream.totalTimeoutMs,
    keepAliveTimeout: 30_000,
  });
}
