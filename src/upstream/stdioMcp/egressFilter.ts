import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';

/**
 * What a hosted server with the network may not reach, as the nftables ruleset the launcher loads
 * into the sandbox's own network namespace before the server starts (launcher.ts). slirp4netns
 * opens the server's connections from the host, so without it a server allowed the network could
 * reach whatever the host reaches: cloud metadata (169.254.169.254), the private network, and the
 * host's own addresses, where a service bound to 0.0.0.0 listens. The sandbox's own loopback and
 * slirp4netns's resolver stay reachable; everything else goes out as through the egress guard's
 * public-only rule. IPv6 needs no rule: slirp4netns gives the namespace none. The documentation
 * ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) are left alone: nothing routes them, and
 * a test network (this project's CI among them) may map public names into them.
 */
const NON_PUBLIC_IPV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
const SLIRP_RESOLVER = '10.0.2.3';

const nonPublicRanges = NON_PUBLIC_IPV4.map((cidr) => ipaddr.IPv4.parseCIDR(cidr));

/**
 * The host's own IPv4 addresses outside those ranges (nft refuses overlapping elements in one set),
 * read when a sandbox starts: an address may come and go.
 */
function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => address.family === 'IPv4' && !address.internal)
    .map((address) => address.address)
    .filter((address) => !nonPublicRanges.some((range) => ipaddr.IPv4.parse(address).match(range)));
}

export function sandboxEgressRuleset(): string {
  const refused = [...NON_PUBLIC_IPV4, ...hostAddresses()].join(', ');
  return [
    'table inet switchboard_sandbox {',
    '  chain egress {',
    '    type filter hook output priority 0; policy accept;',
    '    oif "lo" accept',
    `    ip daddr ${SLIRP_RESOLVER} meta l4proto { tcp, udp } th dport 53 accept`,
    `    ip daddr { ${refused} } reject`,
    '  }',
    '}',
  ].join('\n');
}
