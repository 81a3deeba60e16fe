import { LRUCache } from 'lru-cache';
import { toolsListVersion } from '../../db/repositories/toolsListVersion.js';
import type { ToolContext } from './tool.js';

type RequestContext = Pick<ToolContext, 'deps' | 'auth' | 'server'>;

/** Callers × servers whose lists a process keeps. */
const MAX_LISTS = 500;

/**
 * Per process: what a tools-mode server offers one caller (src/api/mcp/toolsMode.ts), kept under
 * the fingerprint of what it was built from (src/db/repositories/toolsListVersion.ts). Building it
 * resolves every offered connector and names and describes every tool (seconds for an unrestricted
 * server under load); checking the fingerprint is one statement. A change made by any process
 * (an assignment, a restriction, a connector's settings, a remote server's tool list) is seen by
 * the next request: the server row and the caller are part of the key, the rest of the fingerprint.
 * Concurrent requests share one build; a build that left a remote server out (it could not be
 * reached) is not kept, so the next request tries it again.
 */
const cache = new LRUCache<string, { version: string; built: Promise<unknown> }>({ max: MAX_LISTS });

export async function cachedOffer<T extends { complete: boolean }>(context: RequestContext, build: () => Promise<T>): Promise<T> {
  const { auth, server } = context;
  const key = JSON.stringify([server, auth.accountId, auth.userId, auth.role, auth.credentialId ?? null]);
  const version = await toolsListVersion(context.deps.db, auth.accountId, server.id);
  const kept = cache.get(key);
  if (kept?.version === version) return kept.built as Promise<T>;
  const built = build();
  const entry = { version, built };
  cache.set(key, entry);
  const forget = () => {
    if (cache.get(key) === entry) cache.delete(key);
  };
  built.then((offer) => !offer.complete && forget(), forget);
  return built;
}
