import { sql } from 'kysely';
import type { Db } from '../connect.js';
import { throttleWait } from '../../observability/metrics.js';

export const nowMs = sql<number>`extract(epoch from clock_timestamp()) * 1000`;

export interface Reservation {
  /** When the caller may send: epoch ms on the database clock. */
  slotMs: number;
  /** The schedule's generation the slot belongs to (see restartSchedules). */
  generation: number;
}

/**
 * GCRA in one atomic statement: the caller's slot is the earliest of now, the schedule minus the
 * burst allowance, and the end of any pause; the schedule then moves one interval past the slot.
 * Every API and worker process reserves from the same row, so the limit holds across all of them.
 */
export async function reserveSlot(db: Db, key: string, intervalMs: number, burstToleranceMs: number): Promise<Reservation> {
  const { rows } = await sql<ReservedRow>`
    insert into throttle_slots (key, tat_ms, last_slot_ms, paused_until_ms)
    select ${key}, clock.now_ms + ${intervalMs}::double precision, clock.now_ms, 0 from (select ${nowMs} as now_ms) clock
    ${slotConflictClause(intervalMs, burstToleranceMs)}`.execute(db);
  return reservationOf(key, rows[0]!);
}

/** What a reservation returns: the slot, its generation and the database's now. */
export interface ReservedRow {
  last_slot_ms: number;
  generation: number;
  now_ms: number;
}

/**
 * The part of reserveSlot after its SELECT: on an existing key, take the next slot and move the
 * schedule; return the slot. Shared with statements that reserve as one of their steps
 * (src/db/repositories/attemptStart.ts). The row they propose carries the statement's one reading
 * of the clock as its last_slot_ms (clock_timestamp() moves within a statement, and two readings a
 * millisecond apart would put a slot less than an interval after the schedule it moved), so
 * `excluded.last_slot_ms` is "now" here.
 */
export function slotConflictClause(intervalMs: number, burstToleranceMs: number) {
  const slot = sql<number>`greatest(excluded.last_slot_ms, throttle_slots.tat_ms - ${burstToleranceMs}::double precision, throttle_slots.paused_until_ms)`;
  return sql`on conflict (key) do update set last_slot_ms = ${slot}, tat_ms = greatest(throttle_slots.tat_ms, ${slot}) + ${intervalMs}::double precision
    returning last_slot_ms, generation, ${nowMs} as now_ms`;
}

/** A reserved row as a Reservation, observed in the wait metric. */
export function reservationOf(key: string, row: ReservedRow): Reservation {
  // Keys are account/connector/credential: the metric keeps only the connector.
  throttleWait.observe({ connector: key.split('/')[1] ?? 'unknown' }, Math.max(0, Number(row.last_slot_ms) - Number(row.now_ms)) / 1000);
  return { slotMs: Number(row.last_slot_ms), generation: Number(row.generation) };
}

/** How long the key is still paused, in ms (0 when it is not), and its current generation. */
export async function slotState(db: Db, key: string): Promise<{ pauseRemainingMs: number; generation: number }> {
  const row = await db
    .selectFrom('throttle_slots')
    .select([sql<number>`greatest(0, paused_until_ms - ${nowMs})`.as('remaining'), 'generation'])
    .where('key', '=', key)
    .executeTakeFirst();
  return { pauseRemainingMs: Number(row?.remaining ?? 0), generation: Number(row?.generation ?? 0) };
}

/** The ledger keys of one connector in one account, every credential's: "<account>/<connector>/<credential>". */
export function connectorKeyPrefix(accountId: string, connectorId: string): string {
  return `${accountId}/${connectorId}/`;
}

/**
 * A rate-limit change: every key under the prefix starts a fresh schedule from now (a pause
 * still holds) in a new generation, so slots handed out under the old limit are no longer
 * honoured and their holders reserve again. Returns how many keys were restarted.
 */
export async function restartSchedules(db: Db, keyPrefix: string): Promise<number> {
  const result = await db
    .updateTable('throttle_slots')
    .set({ tat_ms: sql`least(tat_ms, ${nowMs})`, generation: sql`generation + 1` })
    .where(sql<boolean>`starts_with(key, ${keyPrefix})`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Upstream feedback: nothing goes out for pauseMs, and afterwards one call per interval (no burst),
 * for every caller of the key, not only the one that was told.
 */
export async function pauseKey(db: Db, key: string, pauseMs: number, burstToleranceMs: number): Promise<void> {
  const end = sql<number>`${nowMs} + ${pauseMs}::double precision`;
  await db
    .insertInto('throttle_slots')
    .values({ key, tat_ms: sql`${end} + ${burstToleranceMs}::double precision`, last_slot_ms: 0, paused_until_ms: end })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({
        paused_until_ms: sql`greatest(throttle_slots.paused_until_ms, ${end})`,
        tat_ms: sql`greatest(throttle_slots.tat_ms, ${end} + ${burstToleranceMs}::double precision)`,
      }),
    )
    .execute();
}
