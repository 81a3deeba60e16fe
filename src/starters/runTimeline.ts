import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { AttemptOutcome } from '../workflows/contracts/attempt.js';
import type { RunTimelineEntry } from '../runs/schemas.js';

/** A plan of many steps keeps its first entries; the Temporal UI has the rest. */
const MAX_ENTRIES = 200;

type Timestamp = { seconds?: number | { toNumber(): number } | null; nanos?: number | null } | null | undefined;

function isoOf(time: Timestamp): string | undefined {
  if (!time?.seconds) return undefined;
  const seconds = typeof time.seconds === 'number' ? time.seconds : time.seconds.toNumber();
  return new Date(seconds * 1000 + Math.floor((time.nanos ?? 0) / 1e6)).toISOString();
}

function decoded<T>(payload: unknown): T | undefined {
  try {
    return payload ? defaultPayloadConverter.fromPayload<T>(payload as Payload) : undefined;
  } catch {
    return undefined;
  }
}

/** Only what an operator reads: the outcome's kind, status or code and reason, never a body. */
function withOutcome(entry: RunTimelineEntry, outcome: AttemptOutcome | undefined): RunTimelineEntry {
  if (!outcome) return entry;
  entry.outcome = outcome.kind;
  if (outcome.kind === 'succeeded') entry.status = outcome.result.status;
  if (outcome.kind === 'throttled' || outcome.kind === 'slow' || outcome.kind === 'handedOff') entry.reason = outcome.reason;
  if (outcome.kind === 'retry' || outcome.kind === 'failed') {
    entry.code = outcome.error.code;
    const status = outcome.error.details.status;
    if (typeof status === 'number') entry.status = status;
    if (outcome.kind === 'retry') entry.reason = outcome.reason;
  }
  return entry;
}

const numberOf = (value: number | { toNumber(): number } | null | undefined) => (typeof value === 'number' ? value : (value?.toNumber() ?? 0));

/**
 * Each connector attempt and each durable wait of a run, read from its history: fast attempts
 * are local-activity markers named "attempt N: …", slow ones (and hand-offs) activities with such
 * a summary, whose outcome is in their completion; the waits are timers whose summary says why
 * (a throttle slot, a retry's delay, a queue for the account's in-flight cap).
 */
export async function runTimeline(handle: WorkflowHandle): Promise<RunTimelineEntry[]> {
  const history = await handle.fetchHistory();
  const entries: RunTimelineEntry[] = [];
  const slowAttempts = new Map<number, RunTimelineEntry>();
  const waits = new Map<string, RunTimelineEntry>();
  for (const event of history.events ?? []) {
    const summary = decoded<string>(event.userMetadata?.summary);
    const at = isoOf(event.eventTime as Timestamp);
    const attempt = summary?.startsWith('attempt ') ? summary : undefined;
    const finished =
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes ??
      event.activityTaskCanceledEventAttributes;
    if (finished) {
      const entry = slowAttempts.get(numberOf(finished.scheduledEventId));
      const { failure } = finished as { failure?: { message?: string | null } | null };
      if (entry && event.activityTaskCompletedEventAttributes) {
        withOutcome(entry, decoded<AttemptOutcome>(event.activityTaskCompletedEventAttributes.result?.payloads?.[0]));
      } else if (entry) {
        entry.reason = failure?.message ?? 'cancelled';
      }
    }
    const timerEnded = event.timerFiredEventAttributes ?? event.timerCanceledEventAttributes;
    const wait = timerEnded?.timerId ? waits.get(timerEnded.timerId) : undefined;
    if (wait?.at && at) wait.waitedMs = Date.parse(at) - Date.parse(wait.at);
    if (entries.length >= MAX_ENTRIES) continue;
    if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity' && attempt) {
      const outcome = decoded<AttemptOutcome>(event.markerRecordedEventAttributes.details?.result?.payloads?.[0]);
      entries.push(withOutcome({ kind: 'attempt', summary: attempt, lane: 'fast', ...(at ? { at } : {}) }, outcome));
    }
    if (event.activityTaskScheduledEventAttributes && attempt) {
      const entry: RunTimelineEntry = { kind: 'attempt', summary: attempt, lane: 'slow', ...(at ? { at } : {}) };
      slowAttempts.set(numberOf(event.eventId), entry);
      entries.push(entry);
    }
    const timer = event.timerStartedEventAttributes;
    if (timer) {
      const timeout = timer.startToFireTimeout as Timestamp;
      const seconds = timeout?.seconds ? (typeof timeout.seconds === 'number' ? timeout.seconds : timeout.seconds.toNumber()) : 0;
      const entry: RunTimelineEntry = {
        kind: 'wait',
        summary: summary ?? 'timer',
        waitMs: Math.round(seconds * 1000 + (timeout?.nanos ?? 0) / 1e6),
        ...(at ? { at } : {}),
      };
      if (timer.timerId) waits.set(timer.timerId, entry);
      entries.push(entry);
    }
  }
  return entries;
}
