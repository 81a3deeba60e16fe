/**
 * CPU profiles of a running process over its inspector (what --cpu-prof records, but for a chosen
 * window only, not start-up), summed by where the code lives: a package under node_modules, a
 * folder of src/, Node's internals, or the VM's own buckets (GC, program).
 */
import { WebSocket } from 'undici';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
  children?: number[];
}

function ownerOf({ functionName, url }: ProfileNode['callFrame']): string | undefined {
  if (functionName === '(idle)') return undefined;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('wasm://')) return '(WebAssembly: PGlite when embedded)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + 'node_modules/'.length).split('/');
    return first!.startsWith('@') ? `${first}/${second}` : first!;
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return `src/${url.slice(src + 5).split('/')[0]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

/** Profiles the process listening on `inspectorPort` while `during` runs. */
export async function profileWhile(inspectorPort: number, during: () => Promise<void>): Promise<CpuProfile> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  const pending = new Map<number, (result: unknown) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  let nextId = 0;
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      nextId += 1;
      pending.set(nextId, resolve);
      socket.send(JSON.stringify({ id: nextId, method, params }));
    });
  try {
    await send('Profiler.enable');
    await send('Profiler.start');
    await during();
    return ((await send('Profiler.stop')) as { profile: CpuProfile }).profile;
  } finally {
    socket.close();
  }
}

/** Share of busy (non-idle) CPU per owner, largest first, and the busy CPU time. */
export function summarizeProfile(profile: CpuProfile, top = 14): { busyMs: number; rows: Array<[string, number]> } {
  const totals = new Map<string, number>();
  let busy = 0;
  const intervalMs = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  // Built-ins (JSON.parse, Buffer, crypto, RegExp) have no script: charge them to the nearest caller that has one.
  const ownerWithCaller = (node: ProfileNode): string | undefined => {
    const own = ownerOf(node.callFrame);
    if (own !== '(native)') return own;
    for (let caller = parents.get(node.id); caller; caller = parents.get(caller.id)) {
      const owner = ownerOf(caller.callFrame);
      if (owner && owner !== '(native)' && !owner.startsWith('(')) return `${owner} (built-ins)`;
    }
    return own;
  };
  for (const node of profile.nodes) {
    const owner = ownerWithCaller(node);
    if (!owner || !node.hitCount) continue;
    const ms = node.hitCount * intervalMs;
    busy += ms;
    totals.set(owner, (totals.get(owner) ?? 0) + ms);
  }
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { busyMs: busy, rows: rows.map(([owner, ms]) => [owner, ms / busy]) };
}
