import { changeLeases, type GrantedClaim, type LeaseLimits, type LeaseState } from '../db/repositories/callLeases.js';
import { signalCapacityGranted } from '../starters/callCapacity.js';
import type { CapacityAnswer, CapacityClaim } from '../workflows/contracts/attempt.js';
import type { ActivityDependencies } from './dependencies.js';

/**
 * Longer than any slow attempt may run (the activity's start-to-close is 11 minutes): a lease
 * still held after this belongs to a run that ended without giving it back (terminated).
 */
const LEASE_TTL_MS = 12 * 60_000;

/**
 * Per-account in-flight caps for slow attempts (db/repositories/callLeases.ts holds the leases).
 * The claims and releases of one account that arrive while its last change is being written go
 * together in the next transaction: the database serializes an account's changes with a lock
 * anyway, and a storm of claims each waiting on that lock would hold every pooled connection
 * other accounts' calls need, and the fast attempts waiting on them their workflow tasks.
 */
export function createCapacity(deps: Pick<ActivityDependencies, 'db' | 'config' | 'temporal' | 'logger'>) {
  const limits: LeaseLimits = {
    accountMaxInFlight: deps.config.execution.accountMaxInFlight,
    serverMaxInFlight: deps.config.execution.serverMaxInFlight,
    leaseTtlMs: LEASE_TTL_MS,
  };

  interface Pending {
    release: Map<string, Array<() => void>>;
    claim: Map<string, { claim: CapacityClaim; force: boolean; waiters: Array<{ resolve: (state: LeaseState) => void; reject: (error: unknown) => void }> }>;
    failed: Array<(error: unknown) => void>;
  }
  const pending = new Map<string, Pending>();
  const writing = new Set<string>();

  function change(accountId: string, add: (batch: Pending) => void): void {
    let batch = pending.get(accountId);
    if (!batch) {
      batch = { release: new Map(), claim: new Map(), failed: [] };
      pending.set(accountId, batch);
    }
    add(batch);
    if (!writing.has(accountId)) void write(accountId);
  }

  async function write(accountId: string): Promise<void> {
    writing.add(accountId);
    try {
      for (let batch = pending.get(accountId); batch; batch = pending.get(accountId)) {
        pending.delete(accountId);
        try {
          const { states, granted } = await changeLeases(
            deps.db,
            accountId,
            { release: [...batch.release.keys()], claim: [...batch.claim.values()].map(({ claim, force }) => ({ claim, force })) },
            limits,
          );
          for (const done of batch.release.values()) done.forEach((resolve) => resolve());
          for (const [leaseId, { waiters }] of batch.claim) waiters.forEach(({ resolve }) => resolve(states.get(leaseId)!));
          // Not awaited: the next batch need not wait for the signals.
          if (granted.length > 0) void tell(accountId, granted);
        } catch (error) {
          batch.failed.forEach((reject) => reject(error));
        }
      }
    } finally {
      writing.delete(accountId);
    }
  }

  const released = (claim: Pick<CapacityClaim, 'leaseId' | 'accountId'>) =>
    new Promise<void>((resolve, reject) =>
      change(claim.accountId, (batch) => {
        batch.release.set(claim.leaseId, [...(batch.release.get(claim.leaseId) ?? []), resolve]);
        batch.failed.push(reject);
      }),
    );

  /** Tells runs their queued claims were granted; a run that is gone gives its place up in turn. */
  async function tell(accountId: string, granted: GrantedClaim[]): Promise<void> {
    try {
      const gone = await signalCapacityGranted(deps.temporal, granted);
      await Promise.all(gone.map((leaseId) => released({ leaseId, accountId })));
    } catch (error) {
      deps.logger.warn({ err: error, accountId }, 'telling runs their queued claims were granted failed; their queue timers claim again');
    }
  }

  return {
    /** Takes a place for the claim, or queues it; `force` takes one over the cap (an attempt already in flight). */
    async claim(claim: CapacityClaim, force = false): Promise<CapacityAnswer> {
      const state = await new Promise<LeaseState>((resolve, reject) =>
        change(claim.accountId, (batch) => {
          const entry = batch.claim.get(claim.leaseId) ?? { claim, force: false, waiters: [] };
          entry.force ||= force;
          entry.waiters.push({ resolve, reject });
          batch.claim.set(claim.leaseId, entry);
          batch.failed.push(reject);
        }),
      );
      if (state.granted) return { granted: true };
      const [who, cap] = state.heldBy === 'account' ? [`account ${claim.accountId}`, limits.accountMaxInFlight] : [`server ${claim.serverId}`, limits.serverMaxInFlight];
      return { granted: false, reason: `queued: ${who} at its in-flight cap (${cap})${state.ahead > 0 ? `, ${state.ahead} ahead` : ''}` };
    },

    release: released,
  };
}

export type Capacity = ReturnType<typeof createCapacity>;

/** The workflow's side of the caps: local activities, each one short transaction. */
export function createCapacityActivities(capacity: Capacity) {
  return {
    claimCallCapacity: (claim: CapacityClaim): Promise<CapacityAnswer> => capacity.claim(claim),
    releaseCallCapacity: (claim: CapacityClaim): Promise<void> => capacity.release(claim),
  };
}
