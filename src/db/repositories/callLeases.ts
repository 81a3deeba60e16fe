import { sql, type Transaction } from 'kysely';
import type { Db } from '../connect.js';
import type { Database } from '../database.js';

/**
 * An account's (and each of its servers') slow connector attempts in flight, as lease rows every
 * process shares. A claim is granted at once while both caps have room, else it queues; queued
 * claims are granted first come, first served whenever capacity frees (a release, or a lease
 * that lapsed). Every change to an account's leases runs under one transaction-scoped advisory
 * lock per account, so two processes never both take the last place, and accounts never wait
 * for one another.
 */

interface LeaseClaim {
  leaseId: string;
  accountId: string;
  serverId: string;
  workflowId: string;
}

export interface LeaseLimits {
  accountMaxInFlight: number;
  serverMaxInFlight: number;
  /** A granted lease lapses this long after its grant (longer than any attempt may run). */
  leaseTtlMs: number;
}

export type LeaseState =
  | { granted: true }
  | {
      granted: false;
      /** Queued claims of the account ahead of this one. */
      ahead: number;
      /** Which cap holds it back. */
      heldBy: 'account' | 'server';
      inFlight: number;
    };

/** A queued claim just granted: its run is waiting for word. */
export interface GrantedClaim {
  leaseId: string;
  workflowId: string;
}

type Trx = Transaction<Database>;

const lockAccount = (trx: Trx, accountId: string) => sql`select pg_advisory_xact_lock(hashtext(${`call_leases:${accountId}`}))`.execute(trx);

const live = sql<boolean>`(state = 'granted' and expires_at > now())`;

async function inFlightByServer(trx: Trx, accountId: string): Promise<Map<string, number>> {
  const rows = await trx
    .selectFrom('call_leases')
    .select(['server_id', sql<number>`count(*)`.as('count')])
    .where('account_id', '=', accountId)
    .where(live)
    .groupBy('server_id')
    .execute();
  return new Map(rows.map((row) => [row.server_id, Number(row.count)]));
}

const total = (byServer: Map<string, number>) => [...byServer.values()].reduce((sum, count) => sum + count, 0);

/** Grants the account's queued claims, oldest first, while the caps allow; returns those granted. */
async function grantQueued(trx: Trx, accountId: string, limits: LeaseLimits): Promise<GrantedClaim[]> {
  const byServer = await inFlightByServer(trx, accountId);
  let inFlight = total(byServer);
  if (inFlight >= limits.accountMaxInFlight) return [];
  const queued = await trx
    .selectFrom('call_leases')
    .select(['lease_id', 'server_id', 'workflow_id'])
    .where('account_id', '=', accountId)
    .where('state', '=', 'queued')
    .orderBy('seq')
    .limit(limits.accountMaxInFlight - inFlight + limits.serverMaxInFlight)
    .execute();
  const granted: GrantedClaim[] = [];
  for (const claim of queued) {
    if (inFlight >= limits.accountMaxInFlight) break;
    const onServer = byServer.get(claim.server_id) ?? 0;
    if (onServer >= limits.serverMaxInFlight) continue;
    byServer.set(claim.server_id, onServer + 1);
    inFlight += 1;
    granted.push({ leaseId: claim.lease_id, workflowId: claim.workflow_id });
  }
  if (granted.length > 0) {
    await trx
      .updateTable('call_leases')
      .set({ state: 'granted', expires_at: sql`now() + ${`${limits.leaseTtlMs} milliseconds`}::interval` })
      .where(
        'lease_id',
        'in',
        granted.map((claim) => claim.leaseId),
      )
      .execute();
  }
  return granted;
}

/** Changes to one account's leases, applied together (a batch of the claims and releases that arrived meanwhile). */
export interface LeaseChanges {
  /** Lease ids given up (granted or queued). */
  release: string[];
  /** New claims (idempotent: claiming again reads the claim's state); `force` grants one whatever the caps say. */
  claim: Array<{ claim: LeaseClaim; force: boolean }>;
}

/**
 * Applies one account's releases and claims in one transaction, then grants its queued claims
 * while the caps allow. Returns each claim's state and the account's other queued claims this
 * granted (their runs are waiting for word).
 */
export async function changeLeases(
  db: Db,
  accountId: string,
  changes: LeaseChanges,
  limits: LeaseLimits,
): Promise<{ states: Map<string, LeaseState>; granted: GrantedClaim[] }> {
  return db.transaction().execute(async (trx) => {
    await lockAccount(trx, accountId);
    if (changes.release.length > 0) await trx.deleteFrom('call_leases').where('lease_id', 'in', changes.release).execute();
    const expires = sql<Date>`now() + ${`${limits.leaseTtlMs} milliseconds`}::interval`;
    if (changes.claim.length > 0) {
      await trx
        .insertInto('call_leases')
        .values(
          changes.claim.map(({ claim, force }) => ({
            lease_id: claim.leaseId,
            account_id: accountId,
            server_id: claim.serverId,
            workflow_id: claim.workflowId,
            state: force ? ('granted' as const) : ('queued' as const),
            expires_at: force ? expires : null,
          })),
        )
        // Claiming again changes nothing, except that a forced claim takes its place at once.
        .onConflict((conflict) =>
          conflict.column('lease_id').doUpdateSet({
            state: sql`case when excluded.state = 'granted' then 'granted' else call_leases.state end`,
            expires_at: sql`case when excluded.state = 'granted' then excluded.expires_at else call_leases.expires_at end`,
          }),
        )
        .execute();
    }
    const granted = await grantQueued(trx, accountId, limits);
    const states = new Map<string, LeaseState>();
    if (changes.claim.length === 0) return { states, granted };
    const claimed = changes.claim.map(({ claim }) => claim.leaseId);
    const own = await trx
      .selectFrom('call_leases')
      .select(['lease_id', 'state', 'server_id', 'seq'])
      .where('lease_id', 'in', claimed)
      .execute();
    const queued = own.filter((row) => row.state === 'queued');
    if (queued.length > 0) {
      const [ahead, byServer] = await Promise.all([
        trx
          .selectFrom('call_leases')
          .select('seq')
          .where('account_id', '=', accountId)
          .where('state', '=', 'queued')
          .orderBy('seq')
          .execute(),
        inFlightByServer(trx, accountId),
      ]);
      const position = new Map(ahead.map((row, index) => [Number(row.seq), index]));
      const inFlight = total(byServer);
      for (const row of queued) {
        const heldBy = inFlight >= limits.accountMaxInFlight ? 'account' : 'server';
        states.set(row.lease_id, {
          granted: false,
          ahead: position.get(Number(row.seq)) ?? 0,
          heldBy,
          inFlight: heldBy === 'account' ? inFlight : (byServer.get(row.server_id) ?? 0),
        });
      }
    }
    for (const row of own) if (row.state === 'granted') states.set(row.lease_id, { granted: true });
    const mine = new Set(claimed);
    return { states, granted: granted.filter((grant) => !mine.has(grant.leaseId)) };
  });
}

/** In flight (granted, not lapsed) and queued claims per account, for /metrics. */
export async function leaseCountsByAccount(db: Db): Promise<Array<{ accountId: string; inFlight: number; queued: number }>> {
  const rows = await db
    .selectFrom('call_leases')
    .select([
      'account_id',
      sql<number>`count(*) filter (where ${live})`.as('in_flight'),
      sql<number>`count(*) filter (where state = 'queued')`.as('queued'),
    ])
    .groupBy('account_id')
    .execute();
  return rows.map((row) => ({ accountId: row.account_id, inFlight: Number(row.in_flight), queued: Number(row.queued) }));
}

/** Granted leases past their lapse time: their runs ended without releasing them (terminated). */
export async function deleteLapsedLeases(db: Db): Promise<number> {
  const result = await db.deleteFrom('call_leases').where('state', '=', 'granted').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
