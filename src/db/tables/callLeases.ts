import type { ColumnType, Generated } from 'kysely';

/**
 * A slow connector attempt's claim on its account's and server's in-flight capacity
 * (ACCOUNT_MAX_IN_FLIGHT, SERVER_MAX_IN_FLIGHT): granted while the attempt runs, queued while
 * the run waits for capacity. Queued claims are granted in `seq` order, one account at a time.
 */
export interface CallLeasesTable {
  lease_id: string;
  account_id: string;
  server_id: string;
  /** The run to signal when a queued claim is granted. */
  workflow_id: string;
  state: 'granted' | 'queued';
  /** Arrival order: the queue is first come, first served within an account. */
  seq: Generated<number>;
  queued_at: ColumnType<Date, Date | string | undefined, never>;
  /** A granted claim lapses here, so a run that vanished without releasing it frees its place. */
  expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
