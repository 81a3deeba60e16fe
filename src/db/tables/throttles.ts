import type { Generated } from 'kysely';

/**
 * One row per throttle key: the GCRA schedule (theoretical arrival time) of that key's upstream
 * calls, in epoch milliseconds of the database clock, which every process shares.
 */
export interface ThrottleSlotsTable {
  key: string;
  tat_ms: number;
  /** The slot the last reservation got (RETURNING sees new values only). */
  last_slot_ms: number;
  /** Nothing may be sent before this: set from a 429's Retry-After or a zero remaining count. */
  paused_until_ms: number;
  /** Bumped by a rate-limit change: slots of an older generation are no longer honoured. */
  generation: Generated<number>;
}
