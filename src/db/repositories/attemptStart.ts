import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { CredentialRow } from '../tables/credentials.js';
import { nowMs, reservationOf, slotConflictClause, type Reservation, type ReservedRow } from './throttles.js';

/** What an attempt asks of its opening statement. */
export interface AttemptStartRequest {
  accountId: string;
  userId: string;
  connectorId: string;
  /** The connector_settings version the caller holds settings for (0: no row, the defaults). */
  settingsVersion: number;
  /** The credential to read (with its sealed secrets), when the call has one. */
  credentialId?: string;
  /** The throttle key and its spacing, when the connector has a rate limit. */
  throttle?: { key: string; intervalMs: number; burstToleranceMs: number };
  /** Mark this send in flight (upstream_sends), when its slot is at most `markWithinMs` away. */
  send?: { key: string; markWithinMs: number };
  /** Marks of attempts that have returned, deleted by the same statement (sendMarkClearer). */
  clearMarks?: readonly string[];
}

export interface AttemptStart {
  /** The settings row still has the version asked for. Nothing was reserved or marked otherwise. */
  settingsCurrent: boolean;
  /** The credential row (null: none with that id for this user); undefined when none was asked for. */
  credential: CredentialRow | null | undefined;
  /** Settings current and the credential (if any) active or refreshing for this connector: only then were a slot and a mark taken. */
  usable: boolean;
  slot?: Reservation & { nowMs: number };
  /** The mark was due (no rate limit, or the slot within markWithinMs) and written. */
  marked: boolean;
  /** The mark was due but already there: an earlier run of this very attempt may have sent. */
  sentBefore: boolean;
}

type StartRow = Partial<CredentialRow> & Partial<ReservedRow> & { settings_current: boolean; usable: boolean; marked: boolean; mark_due: boolean };

/**
 * An attempt's database work before its send, in one statement instead of six: the settings
 * version check (the caller's copy of the settings is still current), the credential row, the
 * throttle slot, the in-flight mark of a send that may not be repeated, and the deletion of
 * earlier attempts' marks. The slot and the mark
 * are taken only when the settings are current and the credential usable, so a caller that finds
 * otherwise starts again the long way with nothing held.
 */
export async function startAttempt(db: Db, request: AttemptStartRequest): Promise<AttemptStart> {
  const { accountId, userId, connectorId, throttle, send } = request;
  const credentialId = request.credentialId ?? null;
  const slot = throttle
    ? sql`slot as (
        insert into throttle_slots (key, tat_ms, last_slot_ms, paused_until_ms)
        select ${throttle.key}, clock.now_ms + ${throttle.intervalMs}::double precision, clock.now_ms, 0 from usable, (select ${nowMs} as now_ms) clock where usable.ok
        ${slotConflictClause(throttle.intervalMs, throttle.burstToleranceMs)}
      )`
    : sql`slot as (select null::double precision as last_slot_ms, null::integer as generation, null::double precision as now_ms where false)`;
  const markDue = send
    ? throttle
      ? sql`exists (select 1 from slot where slot.last_slot_ms - slot.now_ms <= ${send.markWithinMs})`
      : sql`(select ok from usable)`
    : sql`false`;
  const { rows } = await sql<StartRow>`
    with current_settings as (
      select coalesce((select version from connector_settings where account_id = ${accountId} and connector_id = ${connectorId}), 0) = ${request.settingsVersion} as ok
    ),
    credential as (
      select * from credentials where id = ${credentialId} and account_id = ${accountId} and user_id = ${userId}
    ),
    usable as (
      select (select ok from current_settings)
        and (${credentialId}::text is null or exists (select 1 from credential where connector_id = ${connectorId} and status in ('active', 'refreshing'))) as ok
    ),
    ${slot},
    mark as (
      insert into upstream_sends (key) select ${send?.key ?? null} where ${markDue}
      on conflict (key) do nothing
      returning key
    ),
    cleared as (
      delete from upstream_sends where key = any(${[...(request.clearMarks ?? [])]}::text[])
    )
    select credential.*, slot.last_slot_ms, slot.generation, slot.now_ms,
      (select ok from current_settings) as settings_current,
      (select ok from usable) as usable,
      ${markDue} as mark_due,
      exists (select 1 from mark) as marked
    from (select 1) as one left join credential on true left join slot on true`.execute(db);
  const { settings_current, usable, marked, mark_due, last_slot_ms, generation, now_ms, ...credential } = rows[0]!;
  const reserved = last_slot_ms === null || last_slot_ms === undefined ? undefined : { last_slot_ms, generation: generation!, now_ms: now_ms! };
  return {
    settingsCurrent: settings_current,
    credential: request.credentialId === undefined ? undefined : credential.id ? (credential as CredentialRow) : null,
    usable,
    ...(reserved && throttle ? { slot: { ...reservationOf(throttle.key, reserved), nowMs: Number(reserved.now_ms) } } : {}),
    marked,
    sentBefore: mark_due && !marked,
  };
}
