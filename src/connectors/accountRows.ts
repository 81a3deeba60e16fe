import type { Db } from '../db/connect.js';
import { readAccountConnectorRows, type AccountConnectorRows } from '../db/repositories/connectors.js';

/**
 * Accounts kept per database; past this the least recently read go first. An account's rows are
 * its settings, up to 500 custom connector definitions and its plugins' manifests.
 */
const MAX_ACCOUNTS = 256;

const byDatabase = new WeakMap<Db, Map<string, AccountConnectorRows>>();

/**
 * The account's connector rows (settings, custom connectors, plugins), from this process's copy
 * when `currentVersion` (the account's connectors version, read by the request's front-door
 * statement) is the version the copy was read at, else read afresh (one statement) and kept.
 * Never time-based: every write to those rows gives the account a version never used before, in
 * the writing transaction (a trigger, migration 20261207910000), so a copy is used only while no
 * process, this one or another, has changed them since the front door's statement. Without a
 * version (a front door that did not read one), the rows are always read.
 */
export async function accountConnectorRows(db: Db, accountId: string, currentVersion?: number): Promise<AccountConnectorRows> {
  let kept = byDatabase.get(db);
  const copy = kept?.get(accountId);
  if (copy && currentVersion !== undefined && copy.version === currentVersion) {
    kept!.delete(accountId);
    kept!.set(accountId, copy);
    return copy;
  }
  const rows = await readAccountConnectorRows(db, accountId);
  if (!kept) {
    kept = new Map();
    byDatabase.set(db, kept);
  }
  kept.delete(accountId);
  kept.set(accountId, rows);
  if (kept.size > MAX_ACCOUNTS) kept.delete(kept.keys().next().value!);
  return rows;
}
