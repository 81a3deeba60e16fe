import { Counter, Gauge } from 'prom-client';
import type { AdmissionSettings } from '../config.js';
import { AccountBusyError } from '../errors.js';
import { metricsRegistry } from '../observability/metrics.js';
import { busyQueueOf } from '../workflows/contracts/runs.js';

/**
 * Fair admission of runs (docs/fair-execution.md#admission). A Temporal server without task-queue
 * fairness (the dev server here) dispatches a queue's workflow tasks in arrival order, so a burst
 * of one tenant's starts put the first workflow task of every other tenant's call behind all of
 * its own (15.6 s behind 1,000). So this API process counts the calls it has open (from the start
 * until the answer, or until the start for a run nobody waits for here), and a run whose server
 * already has BUSY_SERVER_OPEN_CALLS open, or whose account has BUSY_ACCOUNT_OPEN_CALLS open on
 * the main queue, starts on the busy queue instead: polled by a worker of its own, with its own
 * workflow-task slots, so the main queue stays as short as a quiet one. A busy account's start
 * requests also go to Temporal BUSY_ACCOUNT_STARTS_AT_ONCE at a time, so its burst does not take
 * the server's persistence from everyone else's starts; at most BUSY_ACCOUNT_START_QUEUE wait
 * their turn, beyond that the call is refused with ACCOUNT_BUSY. Nobody waits on another tenant's
 * turn: every count and queue is the account's own. Within an account, turns go to its servers in
 * rotation (arrival order within each server), so one server's burst of a thousand starts does not
 * hold back a single start of the account's other servers.
 */

/** Where a run was admitted, and what the caller's request must tell admission as it goes. */
export interface Admitted {
  taskQueue: string;
  /** Set for a run started on the busy queue: why, and how its start waited for its account's turn. */
  busy?: BusyAdmission;
  /** The start request has been answered (or failed): the account's next waiting start may go. */
  started(): void;
  /** The call is over here: it no longer counts as open. Idempotent. */
  done(): void;
}

/** What a busy run's memo says of its admission (GET /api/runs/:id shows it). */
interface BusyAdmission {
  reason: string;
  /** How long the start waited for its account's turn. */
  waitedMs: number;
  /** The account's starts waiting for a turn when this one joined them (0: it went at once). */
  waitingAhead: number;
  /** The account's starts still waiting when this one's turn came: it went ahead of those. */
  leftWaiting: number;
}

interface AccountCalls {
  open: number;
  onMain: number;
  servers: Map<string, number>;
  busyStarting: number;
  /**
   * Starts waiting for a turn, per server, in arrival order within each. The map's order is the
   * rotation: the server served last goes to its end, so turns go to the servers in turn.
   */
  waiting: Map<string, Array<() => void>>;
  waitingCount: number;
}

/** Seconds a refused caller is told to wait: about what a queue of busyStartQueue starts takes to go out. */
const RETRY_AFTER_SECONDS = 10;
/** Accounts /metrics names one by one (the most open calls first); the rest are summed as "other". */
const REPORTED_ACCOUNTS = 20;

const calls = (count: number) => `${count} call${count === 1 ? '' : 's'}`;

export class Admission {
  private readonly accounts = new Map<string, AccountCalls>();

  constructor(
    private readonly settings: AdmissionSettings,
    private readonly taskQueue: string,
  ) {
    admissions.push(this);
  }

  /** Decides the run's task queue and, on the busy queue, waits for the account's turn to start it. */
  async admit(accountId: string, serverId: string): Promise<Admitted> {
    const account = this.accountOf(accountId);
    const serverOpen = account.servers.get(serverId) ?? 0;
    const reason =
      serverOpen >= this.settings.serverOpenCalls
        ? `its server has ${calls(serverOpen)} open`
        : account.onMain >= this.settings.accountOpenCalls
          ? `its account has ${calls(account.onMain)} open on the main queue`
          : undefined;
    const mustWait = account.busyStarting >= this.settings.busyStartsAtOnce;
    if (reason !== undefined && mustWait && account.waitingCount >= this.settings.busyStartQueue) {
      admissionRefusals.inc();
      throw new AccountBusyError(RETRY_AFTER_SECONDS, account.waitingCount);
    }
    account.open += 1;
    account.servers.set(serverId, serverOpen + 1);
    if (reason === undefined) account.onMain += 1;
    let turn = false;
    /** The start is answered: the account's next waiting start takes this one's turn. */
    const started = () => {
      if (!turn) return;
      turn = false;
      const next = nextInRotation(account);
      if (next) next();
      else account.busyStarting -= 1;
    };
    let over = false;
    const done = () => {
      if (over) return;
      over = true;
      started();
      account.open -= 1;
      if (reason === undefined) account.onMain -= 1;
      const left = account.servers.get(serverId)! - 1;
      if (left === 0) account.servers.delete(serverId);
      else account.servers.set(serverId, left);
      if (account.open === 0) this.accounts.delete(accountId);
    };
    if (reason === undefined) return { taskQueue: this.taskQueue, started, done };

    const queuedAt = performance.now();
    const waitingAhead = mustWait ? account.waitingCount : 0;
    if (!mustWait) account.busyStarting += 1;
    else await new Promise<void>((resolve) => waitInLine(account, serverId, resolve));
    turn = true;
    const busy = { reason, waitedMs: Math.round(performance.now() - queuedAt), waitingAhead, leftWaiting: account.waitingCount };
    return { taskQueue: busyQueueOf(this.taskQueue), busy, started, done };
  }

  /** Per account: calls open on each queue and starts waiting for their turn (for /metrics). */
  counts(): Array<{ accountId: string; onMain: number; onBusy: number; waiting: number }> {
    return [...this.accounts].map(([accountId, account]) => ({
      accountId,
      onMain: account.onMain,
      onBusy: account.open - account.onMain,
      waiting: account.waitingCount,
    }));
  }

  private accountOf(accountId: string): AccountCalls {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = { open: 0, onMain: 0, servers: new Map(), busyStarting: 0, waiting: new Map(), waitingCount: 0 };
      this.accounts.set(accountId, account);
    }
    return account;
  }
}

function waitInLine(account: AccountCalls, serverId: string, resolve: () => void): void {
  const line = account.waiting.get(serverId);
  if (line) line.push(resolve);
  else account.waiting.set(serverId, [resolve]);
  account.waitingCount += 1;
}

/** The next waiting start: the first of the server whose turn it is, which then goes to the end of the rotation. */
function nextInRotation(account: AccountCalls): (() => void) | undefined {
  const [serverId, line] = account.waiting.entries().next().value ?? [];
  if (serverId === undefined || line === undefined) return undefined;
  const next = line.shift()!;
  account.waiting.delete(serverId);
  if (line.length > 0) account.waiting.set(serverId, line);
  account.waitingCount -= 1;
  return next;
}

/** The running apps' admissions (tests run several apps in one process): the latest started answers /metrics. */
const admissions: Admission[] = [];

new Gauge({
  name: 'switchboard_open_calls',
  help: 'Calls this API process has open, by account and where they stand: main (on the main task queue), busy (admitted to the busy queue) or waiting (for the account\'s turn to start on it)',
  labelNames: ['account', 'state'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    const counts = (admissions.at(-1)?.counts() ?? []).sort((a, b) => b.onMain + b.onBusy - (a.onMain + a.onBusy));
    const rest = counts.slice(REPORTED_ACCOUNTS).reduce(
      (sum, count) => ({ accountId: 'other', onMain: sum.onMain + count.onMain, onBusy: sum.onBusy + count.onBusy, waiting: sum.waiting + count.waiting }),
      { accountId: 'other', onMain: 0, onBusy: 0, waiting: 0 },
    );
    for (const { accountId, onMain, onBusy, waiting } of [...counts.slice(0, REPORTED_ACCOUNTS), ...(counts.length > REPORTED_ACCOUNTS ? [rest] : [])]) {
      this.set({ account: accountId, state: 'main' }, onMain);
      this.set({ account: accountId, state: 'busy' }, onBusy - waiting);
      this.set({ account: accountId, state: 'waiting' }, waiting);
    }
  },
});

const admissionRefusals = new Counter({
  name: 'switchboard_account_busy_total',
  help: 'Calls refused with ACCOUNT_BUSY: their account already had BUSY_ACCOUNT_START_QUEUE starts waiting',
  registers: [metricsRegistry],
});
