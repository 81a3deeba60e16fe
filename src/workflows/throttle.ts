import { allHandlersFinished, condition, continueAsNew, defineSignal, defineUpdate, setHandler, workflowInfo } from '@temporalio/workflow';

/**
 * One throttle run per (account, connector, credential): the single writer of that key's
 * schedule, whichever API or worker process the callers run in. A caller asks with an update
 * that answers at once (Temporal allows only a few updates in flight per workflow, so none may
 * wait inside the handler) with the time of its slot. A slot within HORIZON_MS is final; a later
 * one comes with a ticket the caller presents again shortly before the slot, so upstream
 * feedback (a 429's Retry-After) can still move it: a pause delays every caller not yet inside
 * the horizon.
 */

export interface ThrottleRate {
  requestsPerSecond: number;
  burst?: number;
}

export interface ThrottleKey {
  accountId: string;
  connectorId: string;
  /** Absent for connectors that need no credential. */
  credentialId?: string;
}

export interface ScheduleState {
  rate: ThrottleRate;
  /** GCRA's theoretical arrival time (epoch ms) of the next request beyond the burst. */
  tat: number;
  /** Slot of the last final grant: a pause cannot recall it. */
  lastFinalSlot: number;
  /** Outstanding tickets and their slots. */
  tickets: Record<string, number>;
  nextTicket: number;
  lastUsed: number;
}

export interface ThrottleInput {
  key: ThrottleKey;
  rate: ThrottleRate;
  /** Carried over continue-as-new. */
  state?: ScheduleState;
}

export interface PermitRequest {
  /** The rate as the caller resolved it, so a settings change applies from the next permit. */
  rate: ThrottleRate;
  ticket?: string;
}

/**
 * One update carries every ask a process has waiting for the key (new asks and tickets alike):
 * servers admit only ten updates in flight per workflow, so callers must not each send their own.
 */
export interface PermitBatch {
  rate: ThrottleRate;
  asks: Array<{ ticket?: string }>;
}

/**
 * Without a ticket the permit is final: send at sendAt (epoch ms; absolute, so the time the
 * answer spent travelling does not shift the request). With one, ask again shortly before.
 */
export interface PermitGrant {
  sendAt: number;
  ticket?: string;
}

export interface ThrottleFeedback {
  /** Grant nothing for this long (Retry-After, or until a rate-limit reset). */
  pauseMs: number;
  reason: string;
}

export const acquirePermitsUpdate = defineUpdate<PermitGrant[], [PermitBatch]>('acquirePermits');
export const throttleFeedbackSignal = defineSignal<[ThrottleFeedback]>('throttleFeedback');

export function throttleWorkflowId(key: ThrottleKey): string {
  return `throttle/${key.accountId}/${key.connectorId}/${key.credentialId ?? 'none'}`;
}

/**
 * Slots run at 97 % of the configured rate: a grant reaches its caller a few milliseconds after
 * it is decided, and that jitter must never fit N+1 requests into one upstream second.
 */
export const RATE_HEADROOM = 0.97;
/** Slots closer than this are final; later ones are confirmed again (see the file comment). */
export const HORIZON_MS = 50;
/**
 * A caller that gets its final permit later than this after the slot gives the slot up and asks
 * again: a late request next to an on-time one would use up the headroom above.
 */
export const LATE_TOLERANCE_MS = 15;
/** A key nobody used for this long ends its run; the next caller starts a fresh one. */
const IDLE_MS = 5 * 60_000;
/** Servers refuse updates past 2,000 per run by default; hand over well before. */
const MAX_UPDATES_PER_RUN = 1_000;

function intervalMs(rate: ThrottleRate): number {
  return 1000 / (rate.requestsPerSecond * RATE_HEADROOM);
}

/** GCRA (a token bucket in one number) plus tickets; pure, so it is unit-tested without Temporal. */
export class Schedule {
  constructor(readonly state: ScheduleState) {}

  static fresh(rate: ThrottleRate, now: number): Schedule {
    return new Schedule({ rate, tat: now, lastFinalSlot: 0, tickets: {}, nextTicket: 1, lastUsed: now });
  }

  private get tolerance(): number {
    return (Math.max(1, this.state.rate.burst ?? 1) - 1) * intervalMs(this.state.rate);
  }

  private reserve(now: number): number {
    const slot = Math.max(now, this.state.tat - this.tolerance);
    this.state.tat = Math.max(this.state.tat, slot) + intervalMs(this.state.rate);
    return slot;
  }

  acquire(now: number, request: PermitRequest): PermitGrant {
    this.state.rate = request.rate;
    this.state.lastUsed = now;
    const held = request.ticket === undefined ? undefined : this.state.tickets[request.ticket];
    const slot = held ?? this.reserve(now);
    if (slot - now <= HORIZON_MS) {
      if (request.ticket !== undefined) delete this.state.tickets[request.ticket];
      this.state.lastFinalSlot = Math.max(this.state.lastFinalSlot, slot);
      return { sendAt: slot };
    }
    const ticket = held === undefined ? String(this.state.nextTicket++) : request.ticket!;
    this.state.tickets[ticket] = slot;
    return { sendAt: slot, ticket };
  }

  /** Nothing before now + pauseMs, then one request (Retry-After means "you may try again then"). */
  pause(now: number, pauseMs: number): void {
    const end = now + pauseMs;
    const interval = intervalMs(this.state.rate);
    // The old tat counted the tickets, which are placed again below.
    this.state.tat = Math.max(this.state.lastFinalSlot + interval, end + this.tolerance);
    // Every ticket not yet final moves behind the pause, keeping its place in the queue.
    const waiting = Object.entries(this.state.tickets).sort(([, a], [, b]) => a - b);
    for (const [ticket] of waiting) this.state.tickets[ticket] = this.reserve(end);
  }

  get outstanding(): number {
    return Object.keys(this.state.tickets).length;
  }
}

export async function throttle(input: ThrottleInput): Promise<void> {
  const schedule = input.state ? new Schedule(input.state) : Schedule.fresh(input.rate, Date.now());
  let updates = 0;

  setHandler(acquirePermitsUpdate, ({ rate, asks }) => {
    updates++;
    return asks.map((ask) => schedule.acquire(Date.now(), { rate, ...ask }));
  });
  setHandler(throttleFeedbackSignal, ({ pauseMs }) => schedule.pause(Date.now(), Math.max(0, pauseMs)));

  const historyFull = () => updates >= MAX_UPDATES_PER_RUN || workflowInfo().continueAsNewSuggested;
  for (;;) {
    const idleFor = Date.now() - schedule.state.lastUsed;
    if (idleFor >= IDLE_MS && schedule.outstanding === 0) return;
    if (await condition(historyFull, Math.max(1000, IDLE_MS - idleFor))) break;
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof throttle>({ key: input.key, rate: schedule.state.rate, state: schedule.state });
}
