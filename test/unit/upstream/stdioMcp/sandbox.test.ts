import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/config.js';
import { sandboxedCommand } from '../../../../src/upstream/stdioMcp/sandbox.js';

const config = loadConfig({ ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), HOSTED_MCP_MEMORY_MB: '128', HOSTED_MCP_CPU_SECONDS: '30' }).hostedMcp;
const target = {
  poolKey: 'acc/mcp_1/abc',
  mcpConnectorId: 'mcp_1',
  name: 'Probe',
  command: 'node',
  args: ['server.js'],
  env: { API_TOKEN: 'secret-value-123456', HOME: '/root' },
  network: false,
  secrets: ['secret-value-123456'],
};

describe('sandboxedCommand', () => {
  it('limits the process with prlimit, then runs it in bubblewrap with no network and nothing of ours', () => {
    const { command, args, env } = sandboxedCommand(config, target);
    expect(command).toBe('prlimit');
    expect(args.slice(0, args.indexOf('--'))).toEqual([`--data=${128 * 1024 * 1024}`, '--cpu=30', '--nofile=1024', '--core=0', `--fsize=${256 * 1024 * 1024}`]);
    const bwrap = args.slice(args.indexOf('--') + 1);
    expect(bwrap[0]).toBe('bwrap');
    expect(bwrap).toEqual(expect.arrayContaining(['--unshare-all', '--cap-drop', '--die-with-parent', '--new-session']));
    expect(bwrap).not.toContain('--share-net');
    expect(bwrap.join(' ')).toContain('--ro-bind /usr /usr');
    expect(bwrap.join(' ')).not.toMatch(/--bind |\/work|\/root/);
    expect(bwrap.slice(-3)).toEqual(['--', 'node', 'server.js']);
    // Values travel in the environment, never in arguments (which any process list shows).
    expect(args.join(' ')).not.toContain('secret-value-123456');
    expect(env).toEqual({ PATH: '/usr/local/bin:/usr/bin:/bin', API_TOKEN: 'secret-value-123456', HOME: '/home/sandbox' });
  });

  it('shares the network, and binds name resolution, only when asked', () => {
    const { args } = sandboxedCommand(config, { ...target, network: true });
    expect(args).toContain('--share-net');
    if (args.join(' ').includes('/etc/resolv.conf')) expect(args.join(' ')).toContain('--ro-bind /etc/resolv.conf /etc/resolv.conf');
  });
});
