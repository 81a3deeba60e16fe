import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import type { Config } from '../../config.js';
import type { HostedCommand } from '../../remoteMcp/stdio.js';
import { sandboxEgressRuleset } from './egressFilter.js';
import { hostTool, LAUNCHER_SCRIPT } from './launcher.js';

/**
 * How a hosted stdio MCP server is started: the launcher (launcher.ts; as nobody when the worker is
 * root), `prlimit` for its resource limits, then bubblewrap (Debian's `bubblewrap`, unprivileged,
 * in a user namespace) gives it a filesystem, processes and a network of its own. What it sees, and
 * what it does not, is listed in docs/hosted.md; this file is the one place it is set.
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
/** Name resolution, bound only when the connector has the network (resolv.conf is the launcher's: slirp4netns's DNS). */
const NETWORK_FILES = ['/etc/hosts', '/etc/gai.conf'];

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

/** The uid a worker running as root starts the launcher as: RLIMIT_NPROC is not enforced for root's processes, even inside a user namespace. */
const UNPRIVILEGED = '65534';

export interface SandboxedCommand {
  command: string;
  args: string[];
  /**
   * The launcher's environment: PATH and SANDBOX_SETENV (the sandbox's variables as bwrap options,
   * base64), nothing a host program would act on. The SDK's transport adds a few of ours; bwrap's
   * --clearenv keeps them out of the sandbox.
   */
  env: Record<string, string>;
}

/** The sandbox's whole environment, as NUL-separated bwrap options read from the launcher's pipe. */
function setenvOptions(target: HostedCommand): string {
  const env = { PATH: SANDBOX_PATH, ...target.env, HOME: SANDBOX_HOME };
  const options = ['--clearenv', ...Object.entries(env).flatMap(([name, value]) => ['--setenv', name, value])];
  return Buffer.from(options.map((option) => `${option}\0`).join('')).toString('base64');
}

export function sandboxedCommand(config: Config['hostedMcp'], target: HostedCommand): SandboxedCommand {
  const bind = (paths: string[]) => paths.filter((path) => existsSync(path)).flatMap((path) => ['--ro-bind', path, path]);
  const bwrap = [
    '--args', '5',
    '--unshare-all',
    // With the network: the namespace the launcher made and gave a NAT, not the host's.
    ...(target.network ? ['--share-net'] : []),
    '--unshare-user',
    '--uid', SANDBOX_ID,
    '--gid', SANDBOX_ID,
    '--cap-drop', 'ALL',
    '--die-with-parent',
    '--new-session',
    ...topLevelSystemDirs(),
    ...bind(SYSTEM_FILES),
    ...(target.network ? ['--ro-bind-data', '10', '/etc/resolv.conf', ...bind(NETWORK_FILES)] : []),
    '--proc', '/proc',
    '--dev', '/dev',
    '--tmpfs', '/tmp',
    '--tmpfs', SANDBOX_HOME,
    '--chdir', SANDBOX_HOME,
    '--',
    // Set inside the user namespace, RLIMIT_NPROC counts this sandbox's processes and threads only.
    'prlimit', `--nproc=${config.maxTasks}`, '--',
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
  const launch = [
    '--norc', '-p', '-c', LAUNCHER_SCRIPT, 'switchboard-sandbox',
    target.network ? hostTool(config.slirp4netns) : '',
    target.network ? hostTool('nft') : '',
    target.network ? sandboxEgressRuleset() : '',
    hostTool('prlimit'), ...limits, '--', hostTool(config.bwrap), ...bwrap,
  ];
  const bash = hostTool('bash');
  const asRoot = process.getuid?.() === 0;
  return {
    command: asRoot ? hostTool('setpriv') : bash,
    args: asRoot ? [`--reuid=${UNPRIVILEGED}`, `--regid=${UNPRIVILEGED}`, '--clear-groups', '--', bash, ...launch] : launch,
    env: { PATH: '/usr/bin:/bin', SANDBOX_SETENV: setenvOptions(target) },
  };
}
