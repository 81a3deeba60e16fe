import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { AttemptOutcome } from '../workflows/contracts.js';
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
function attemptEntry(at: string | undefined, summary: string, outcome: AttemptOutcome | undefined): RunTimelineEntry {
  const entry: RunTimelineEntry = { kind: 'attempt', summary, ...(at ? { at } : {}) };
  if (!outcome) return entry;
  entry.outcome = outcome.kind;
  if (outcome.kind === 'succeeded') entry.status = outcome.result.status;
  if (outcome.kind === 'throttled') entry.reason = outcome.reason;
  if (outcome.kind === 'retry' || outcome.kind === 'failed') {
    entry.code = outcome.error.code;
    const status = outcome.error.details.status;
    if (typeof status === 'number') entry.status = status;
    if (outcome.kind === 'retry') entry.reason = outcome.reason;
  }
  return entry;
}

/**
 * Each connector attempt and each durable wait of a run, read from its history: the attempts are
 * local-activity markers named "attempt N: …", the waits timers whose summary says why.
 */
export async function runTimeline(handle: WorkflowHandle): Promise<RunTimelineEntry[]> {
  const history = await handle.fetchHistory();
  const entries: RunTimelineEntry[] = [];
  for (const event of history.events ?? []) {
    if (entries.length >= MAX_ENTRIES) break;
    const summary = decoded<string>(event.userMetadata?.summary);
    const at = isoOf(event.eventTime as Timestamp);
    if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity' && summary?.startsWith('attempt ')) {
      entries.push(attemptEntry(at, summary, decoded<AttemptOutcome>(event.markerRecordedEventAttributes.details?.result?.payloads?.[0])));
    }
    const timer = event.timerStartedEventAttributes;
    if (timer) {
      const timeout = timer.startToFireTimeout as Timestamp;
      const seconds = timeout?.seconds ? (typeof timeout.seconds === 'number' ? timeout.seconds : timeout.seconds.toNumber()) : 0;
      entries.push({
        kind: 'wait',
        summary: summary ?? 'timer',
        waitMs: Math.round(seconds * 1000 + (timeout?.nanos ?? 0) / 1e6),
        ...(at ? { at } : {}),
      });
    }
  }
  return entries;
}
