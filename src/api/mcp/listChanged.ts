import { createHash } from 'node:crypto';
import type { Context } from 'koa';

/** How often an open stream compares what its session is offered with what it was offered. */
const LIST_POLL_MS = 2_000;

/** What a tools-mode session's tools/list shows, reduced to a digest: a change of it is a list change. */
export function listDigest(described: unknown): string {
  return createHash('sha256').update(JSON.stringify(described)).digest('hex');
}

/**
 * GET of a 2025-11-25 session of a tools-mode server: the standalone SSE stream the transport spec
 * offers for server-initiated messages, on which the session hears
 * `notifications/tools/list_changed` when what it is offered changes: a remote server's tools (its
 * cached list is forgotten on its own list_changed), an assignment, a restriction. No process
 * keeps a session, so this stream watches: every LIST_POLL_MS it lists the session's tools again
 * (the cached lists, one database pass) and compares digests. It lasts until the client or the
 * process closes it.
 */
export async function serveListChanges(ctx: Context, first: string, offered: () => Promise<string>, watch?: StreamWatch): Promise<void> {
  let digest = first;
  ctx.respond = false;
  const res = ctx.res;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  let open = true;
  const send = (message: Record<string, unknown>) => {
    if (open) res.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', ...message })}\n\n`);
  };
  const watching = watch?.(send);
  res.once('close', () => {
    open = false;
    watching?.close();
  });
  await watching?.look().catch(() => undefined);
  while (open) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, LIST_POLL_MS);
      res.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (!open) break;
    const now = await offered().catch(() => digest);
    await watching?.look().catch(() => undefined);
    if (now === digest) continue;
    digest = now;
    send({ method: 'notifications/tools/list_changed' });
  }
}

/** More a standing stream carries (resourceUpdates.ts): started with the stream, looked at on its every look, closed with it. */
export type StreamWatch = (send: (message: Record<string, unknown>) => void) => { look(): Promise<void>; close(): void };
