import type { Db } from '../db/connect.js';
import type { ConnectorSettings } from './types.js';

/** Entries kept per database; past this the least recently stored go first. */
const MAX_ENTRIES = 10_000;

const byDatabase = new WeakMap<Db, Map<string, { version: number; settings: ConnectorSettings }>>();

function entries(db: Db) {
  let map = byDatabase.get(db);
  if (!map) {
    map = new Map();
    byDatabase.set(db, map);
  }
  return map;
}

/**
 * Connector settings this process read, by (account, connector), with the version their row had
 * (0: no row, the defaults). Never trusted alone: an attempt uses them only through a statement
 * that checks the row still has that version (src/db/repositories/attemptStart.ts), and starts
 * the long way when it has not, so a change made by any process is seen by the next attempt. No
 * time-based expiry: a version is never reused (a sequence), so an old entry can only miss.
 */
export function rememberSettings(db: Db, accountId: string, connectorId: string, version: number, settings: ConnectorSettings): void {
  const map = entries(db);
  const key = `${accountId}/${connectorId}`;
  map.delete(key);
  map.set(key, { version, settings });
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
}

/** The settings kept for (account, connector) if they are of this version. */
export function settingsAt(db: Db, accountId: string, connectorId: string, version: number): ConnectorSettings | undefined {
  const entry = byDatabase.get(db)?.get(`${accountId}/${connectorId}`);
  return entry?.version === version ? entry.settings : undefined;
}
