import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/config.js';
import { sandboxedCommand } from '../../../../src/upstream/stdioMcp/sandbox.js';

const config = loadConfig({ ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), HOSTED_MCP_MEMORY_MB: '128', HOSTED_MCP_CPU_SECONDS: '30', HOSTED_MCP_MAX_TASKS: '100' }).hostedMcp;
const target = {
  poolKey: 'acc/mcp_1/abc',
  mcpConnectorId: 'mcp_1',
  name: 'Probe',
  command: 'node',
  args: ['server.js'],
  env: { API_TOKEN: 'secret-value-123456', HOME: '/root', LD_PRELOAD: '/tmp/evil.so' },
  network: false,
  secrets: ['secret-value-123456'],
};

/** The launcher's arguments after `bash -p -c <script> <name>` (and setpriv's, when the tests run as root). */
function launched(args: string[]) {
  const rest = args.slice(args.indexOf('-p') + 4);
  return { slirp: rest[0]!, nft: rest[1]!, rules: rest[2]!, command: rest.slice(3) };
}

describe('sandboxedCommand', () => {
  it('starts the launcher with bash -p, as nobody when root, then prlimit and bubblewrap with no network and nothing of ours', () => {
    const { command, args, env } = sandboxedCommand(config, target);
    if (process.getuid?.() === 0) {
      expect(command).toMatch(/\/setpriv$/);
      expect(args.slice(0, 3)).toEqual(['--reuid=65534', '--regid=65534', '--clear-groups']);
    } else {
      expect(command).toMatch(/\/bash$/);
    }
    const { slirp, nft, rules, command: run } = launched(args);
    expect([slirp, nft, rules]).toEqual(['', '', '']);
    expect(run[0]).toMatch(/\/prlimit$/);
    expect(run.slice(1, run.indexOf('--'))).toEqual([`--data=${128 * 1024 * 1024}`, '--cpu=30', '--nofile=1024', '--core=0', `--fsize=${256 * 1024 * 1024}`]);
    const bwrap = run.slice(run.indexOf('--') + 1);
    expect(bwrap[0]).toMatch(/\/bwrap$/);
    expect(bwrap).toEqual(expect.arrayContaining(['--unshare-all', '--cap-drop', '--die-with-parent', '--new-session']));
    expect(bwrap).not.toContain('--share-net');
    expect(bwrap.join(' ')).toContain('--args 5 ');
    expect(bwrap.join(' ')).toContain('--ro-bind /usr /usr');
    expect(bwrap.join(' ')).not.toMatch(/--bind |\/work|\/root/);
    expect(bwrap.slice(-6)).toEqual(['--', 'prlimit', '--nproc=100', '--', 'node', 'server.js']);
    // No host program gets the connector's variables: they reach bwrap through a pipe, base64 here.
    expect(args.join(' ')).not.toContain('secret-value-123456');
    expect(Object.keys(env).sort()).toEqual(['PATH', 'SANDBOX_SETENV']);
    const options = Buffer.from(env.SANDBOX_SETENV!, 'base64').toString('utf8').split('\0').slice(0, -1);
    expect(options).toEqual(['--clearenv', '--setenv', 'PATH', '/usr/local/bin:/usr/bin:/bin', '--setenv', 'API_TOKEN', 'secret-value-123456', '--setenv', 'HOME', '/home/sandbox', '--setenv', 'LD_PRELOAD', '/tmp/evil.so']);
  });

  it('gives a connector with the network slirp4netns, an egress filter and a resolver of its own, never the host network', () => {
    const { args } = sandboxedCommand(config, { ...target, network: true });
    const { slirp, nft, rules, command } = launched(args);
    expect(slirp).toMatch(/\/slirp4netns$/);
    // The namespace's egress filter: cloud metadata and private ranges refused, slirp4netns's resolver let through.
    expect(nft).toMatch(/\/nft$/);
    expect(rules).toContain('10.0.2.3');
    expect(rules).toMatch(/ip daddr \{[^}]*169\.254\.0\.0\/16[^}]*10\.0\.0\.0\/8|ip daddr \{[^}]*10\.0\.0\.0\/8[^}]*169\.254\.0\.0\/16/);
    // The namespace shared is the one the launcher made (unshare --net) and gave a NAT, not the host's.
    expect(command).toContain('--share-net');
    expect(command.join(' ')).toContain('--ro-bind-data 10 /etc/resolv.conf');
  });
});
