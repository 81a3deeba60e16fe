import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { SwitchboardError } from '../../errors.js';

/**
 * The launcher between the worker and bubblewrap: a bash script run with `bash --norc -p` (no
 * BASH_ENV, no functions or shell options from the environment, and no ~/.bashrc, which bash reads
 * when its stdin is a socket, as Node's stdio pipes are) whose environment holds only PATH and
 * SANDBOX_SETENV. The connector's variables travel base64-encoded in that one variable and reach
 * bubblewrap as `--setenv` options through a pipe (`--args 5`): no host binary (bash, prlimit,
 * bwrap, slirp4netns) ever runs with them as its environment (LD_PRELOAD and the like cannot act
 * outside the sandbox), and no process list shows them.
 *
 * Arguments: the slirp4netns binary, or "" for no network; the nft binary and the namespace's
 * ruleset (both unused without a network); then the command to run (prlimit … -- bwrap …). With a network, the launcher first makes a user and network namespace of its own
 * (`unshare --user --map-root-user --net`, whose process waits on a pipe), gives that namespace a
 * user-mode NAT with slirp4netns (host loopback disabled), loads the namespace's nftables ruleset
 * (the egress filter, sandbox.ts; root of that namespace only, and the sandbox never is), and only
 * then lets it run bwrap, which
 * keeps that namespace (--share-net) and gets slirp4netns's resolver as /etc/resolv.conf. (bwrap's
 * own network namespace is owned by a user namespace slirp4netns cannot join for certain.)
 * slirp4netns reads its stdin from a pipe only this launcher writes to, so it ends with the
 * launcher however that ends (--exit-fd=0); bwrap ends with it too (--die-with-parent).
 */
export const LAUNCHER_SCRIPT = String.raw`
set -u
slirp=$1; nft=$2; rules=$3; shift 3
exec 5< <(printf %s "$SANDBOX_SETENV" | base64 -d)
unset SANDBOX_SETENV
[ -z "$slirp" ] && exec "$@"
fail() { echo "switchboard sandbox: $1" >&2; kill -9 "$sandbox" 2>/dev/null; exit 70; }
dir=$(mktemp -d) && mkfifo "$dir/inside" "$dir/block" "$dir/ready" || { echo "switchboard sandbox: no fifo" >&2; exit 70; }
exec 7<>"$dir/inside" 8<>"$dir/block" 9<>"$dir/ready"
rm -rf "$dir"
unshare --user --map-root-user --net -- bash --norc -p -c 'printf 1 >&7 && exec 7>&- && read -r -n 1 <&8 && exec 8<&- 9>&- && "$1" -f /dev/fd/11 && exec 11<&- && shift && exec "$@"' sandbox-net "$nft" "$@" 10< <(printf 'nameserver 10.0.2.3\n') 11< <(printf '%s\n' "$rules") &
sandbox=$!
exec 5<&-
# slirp4netns joins the namespaces of the process it is given: only once that process runs inside
# its new ones (it says so on fd 7), or it would join the host's and fail.
read -r -n 1 -t 30 <&7 || fail "the sandbox's namespaces were not made"
exec 7>&-
exec 6> >(exec "$slirp" --configure --mtu=65520 --disable-host-loopback --enable-seccomp --exit-fd=0 --ready-fd=9 "$sandbox" tap0 >/dev/null 2>&1 8>&-)
read -r -n 1 -t 30 <&9 || fail "slirp4netns could not give the sandbox its network"
exec 9>&-
printf 1 >&8
exec 8>&-
wait "$sandbox"
`;

const found = new Map<string, string>();

/**
 * A host tool's absolute path, looked up once on the worker's own PATH: the launcher never looks a
 * program up on a PATH a connector could set.
 */
export function hostTool(name: string): string {
  if (isAbsolute(name)) return name;
  const known = found.get(name);
  if (known) return known;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      found.set(name, path);
      return path;
    } catch {
      // not here
    }
  }
  throw new SwitchboardError('SERVICE_UNAVAILABLE', `The sandbox for hosted MCP servers is missing on this worker: ${name} is not installed (apt-get install bubblewrap slirp4netns nftables util-linux)`, {
    reason: 'sandbox-missing',
    missing: name,
  });
}
