import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import type { Config } from '../../config.js';
import type { HostedCommand } from '../../remoteMcp/stdio.js';

/**
 * How a hosted stdio MCP server is started: `prlimit` sets its resource limits, then bubblewrap
 * (Debian's `bubblewrap`, unprivileged, in a user namespace) gives it a filesystem of its own. What
 * it sees, and what it does not, is listed in docs/hosted.md; this file is the one place it is set.
 */

const SANDBOX_HOME = '/home/sandbox';
const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';
/** An unprivileged uid and gid inside the sandbox's user namespace (nobody). */
const SANDBOX_ID = '65534';

/** System files a program needs to run and to make TLS connections; nothing of Switchboard's. */
const SYSTEM_FILES = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/localtime',
  '/etc/passwd',
  '/etc/group',
  '/etc/nsswitch.conf',
];
/** Name resolution, bound only when the connector has the network. */
const NETWORK_FILES = ['/etc/resolv.conf', '/etc/hosts', '/etc/gai.conf'];

/** /bin, /lib… are links into /usr on a merged-/usr system, directories of their own elsewhere. */
function topLevelSystemDirs(): string[] {
  const args: string[] = ['--ro-bind', '/usr', '/usr'];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib32', '/lib64']) {
    if (!existsSync(dir)) continue;
    if (lstatSync(dir).isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  return args;
}

/** The variables StdioClientTransport adds from our own environment; the sandbox gets none of them. */
const INHERITED = ['LOGNAME', 'SHELL', 'TERM', 'USER'];

export interface SandboxedCommand {
  command: string;
  args: string[];
  /**
   * The environment handed to the launcher: only the connector's variables, HOME and PATH (the
   * SDK's transport adds a few of ours, which bubblewrap unsets). Passed this way rather than as
   * `--setenv` arguments, so values never appear in a process list.
   */
  env: Record<string, string>;
}

export function sandboxedCommand(config: Config['hostedMcp'], target: HostedCommand): SandboxedCommand {
  const bind = (paths: string[]) => paths.filter((path) => existsSync(path)).flatMap((path) => ['--ro-bind', path, path]);
  const bwrap = [
    '--unshare-all',
    ...(target.network ? ['--share-net'] : []),
    '--unshare-user',
    '--uid', SANDBOX_ID,
    '--gid', SANDBOX_ID,
    '--cap-drop', 'ALL',
    '--die-with-parent',
    '--new-session',
    ...topLevelSystemDirs(),
    ...bind(SYSTEM_FILES),
    ...(target.network ? bind(NETWORK_FILES) : []),
    '--proc', '/proc',
    '--dev', '/dev',
    '--tmpfs', '/tmp',
    '--tmpfs', SANDBOX_HOME,
    '--chdir', SANDBOX_HOME,
    ...INHERITED.flatMap((name) => ['--unsetenv', name]),
    '--',
    target.command,
    ...target.args,
  ];
  const limits = [
    `--data=${config.memoryMb * 1024 * 1024}`,
    `--cpu=${config.cpuSeconds}`,
    '--nofile=1024',
    '--core=0',
    `--fsize=${256 * 1024 * 1024}`,
  ];
  return {
    command: 'prlimit',
    args: [...limits, '--', config.bwrap, ...bwrap],
    env: { PATH: SANDBOX_PATH, ...target.env, HOME: SANDBOX_HOME },
  };
}
