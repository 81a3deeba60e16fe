import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent } from 'undici';
import type { Config } from '../../config/index.js';
import { ForbiddenError } from '../../errors.js';

/** Instance-metadata endpoints hand out cloud credentials: only EGRESS_ALLOW_PRIVATE opens them. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

const blocked: Array<[reason: string, list: BlockList]> = (
  [
    ['unspecified', [['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']]],
    ['loopback', [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']]],
    ['private', [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']]],
    ['carrier-grade NAT', [['100.64.0.0', 10, 'ipv4']]],
    ['link-local', [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']]],
    ['multicast', [['224.0.0.0', 4, 'ipv4'], ['ff00::', 8, 'ipv6']]],
    ['reserved', [['240.0.0.0', 4, 'ipv4'], ['192.0.0.0', 24, 'ipv4'], ['198.18.0.0', 15, 'ipv4']]],
  ] as const
).map(([reason, ranges]) => {
  const list = new BlockList();
  for (const [network, prefix, family] of ranges) list.addSubnet(network, prefix, family);
  return [reason, list];
});

/** An IPv4 address written as IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it is. */
function normalize(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address.toLowerCase();
}

/** Why an address is not a public unicast one, or undefined when it is. */
export function classifyAddress(raw: string): string | undefined {
  const address = normalize(raw);
  if (METADATA_ADDRESSES.has(address)) return 'cloud metadata';
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  for (const [reason, list] of blocked) if (list.check(address, family)) return reason;
  return undefined;
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
  throw new EgressRefusedError(host, normalize(address), reason);
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

/** One pooled dispatcher per worker: keep-alive connections are reused, and each was checked when opened. */
export function createUpstreamAgent(config: Pick<Config, 'egress' | 'upstream'>): Agent {
  return new Agent({
    connect: { lookup: guardedLookup(config.egress), timeout: config.upstream.connectTimeoutMs },
    headersTimeout: config.upstream.totalTimeoutMs,
    bodyTimeout: config.upstream.totalTimeoutMs,
    keepAliveTimeout: 30_000,
    connections: 64,
  });
}
