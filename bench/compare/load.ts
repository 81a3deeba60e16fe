/**
 * The load generator, in a process of its own (forked by the comparison) so that client CPU is
 * not charged to the server under test. It takes one job at a time over IPC and answers with the
 * latencies it saw. MCP targets are driven through the official SDK client, one per worker slot,
 * each connected (initialize) before the clock starts.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mcpTransport } from '../../test/support/mcp.js';

export type LoadTarget =
  | { kind: 'direct'; url: string; token: string; body: unknown }
  | { kind: 'mcp'; url: string; tool: string; arguments: Record<string, unknown> };

export interface LoadJob {
  target: LoadTarget;
  concurrency: number;
  /** Untimed calls first (JIT, pools, caches). */
  warmupCalls: number;
  seconds: number;
  /** Stop early after this many calls (c=1 reads need no long run). */
  maxCalls?: number;
}

export interface LoadResult {
  samples: number[];
  wallMs: number;
  errors: number;
  firstError?: string;
}

async function connectClients(url: string, count: number): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < count; i += 1) {
    const client = new Client({ name: 'bench-load', version: '1' });
    await client.connect(mcpTransport(url));
    clients.push(client);
  }
  return clients;
}

async function run(job: LoadJob): Promise<LoadResult> {
  const { target } = job;
  const clients = target.kind === 'mcp' ? await connectClients(target.url, job.concurrency) : [];
  const call = async (slot: number) => {
    if (target.kind === 'direct') {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(target.body),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`direct call answered ${response.status}`);
      return;
    }
    const result = await clients[slot]!.callTool({ name: target.tool, arguments: target.arguments });
    if (result.isError) throw new Error(JSON.stringify(result.structuredContent ?? result.content).slice(0, 300));
  };
  let errors = 0;
  let firstError: string | undefined;
  const guarded = async (slot: number) => {
    try {
      await call(slot);
      return true;
    } catch (error) {
      errors += 1;
      firstError ??= (error as Error).message;
      return false;
    }
  };
  try {
    let warm = 0;
    await Promise.all(
      Array.from({ length: job.concurrency }, async (_, slot) => {
        while (warm < job.warmupCalls) {
          warm += 1;
          await guarded(slot);
        }
      }),
    );
    errors = 0;
    firstError = undefined;
    const samples: number[] = [];
    const started = performance.now();
    const deadline = started + job.seconds * 1000;
    let issued = 0;
    await Promise.all(
      Array.from({ length: job.concurrency }, async (_, slot) => {
        while (performance.now() < deadline && (job.maxCalls === undefined || issued < job.maxCalls)) {
          issued += 1;
          const t0 = performance.now();
          if (await guarded(slot)) samples.push(performance.now() - t0);
        }
      }),
    );
    return { samples, wallMs: performance.now() - started, errors, ...(firstError ? { firstError } : {}) };
  } finally {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  }
}

process.on('message', (job: LoadJob) => {
  run(job).then(
    (result) => process.send!({ ok: true, result }),
    (error: unknown) => process.send!({ ok: false, error: (error as Error).stack ?? String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
