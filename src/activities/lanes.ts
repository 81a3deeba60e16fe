import { setTimeout as delay } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { isRemoteMcpConnectorId } from '../remoteMcp/connector.js';
import { isPluginConnectorId } from '../plugins/connector.js';
import type { ExecuteActionInput } from '../workflows/contracts/action.js';
import type { AttemptInput, AttemptOutcome, CapacityClaim, HandoffInput } from '../workflows/contracts/attempt.js';
import type { Capacity } from './capacity.js';
import type { ActivityDependencies } from './dependencies.js';

/**
 * Where a connector attempt runs (docs/fair-execution.md). The fast lane is a local activity in
 * the workflow task: no server round trip, so a quick call ends in the task that started it. It
 * holds a workflow-task slot meanwhile, so it gets a budget (FAST_ATTEMPT_BUDGET_MS) counted
 * from the send: an answer later than that is handed off. The request is not sent again: it goes
 * on in this worker, and the awaitHandedOffAttempt activity, on a task queue only this worker
 * polls, collects its outcome. Attempts known to run long skip the fast lane: a remote MCP tool,
 * an action declared longRunning or recently slower than the budget (a record kept here), and
 * retries (the workflow's choice). The slow lane is the same attempt as a regular activity on
 * the slow task queue, heartbeating, with its account's in-flight capacity claimed first.
 */

/** How often a slow attempt heartbeats: the SDK sends at most one per 80 % of the heartbeat timeout. */
const HEARTBEAT_INTERVAL_MS = 5_000;
/** A handed-off attempt nobody collected this long after it settled belongs to a run that is gone. */
const UNCLAIMED_TTL_MS = 10 * 60_000;
/** Connector actions whose latency is remembered (least recently used go first), and for how long. */
const LATENCY_RECORD_SIZE = 10_000;
const LATENCY_RECORD_TTL_MS = 15 * 60_000;

/**
 * Attempts of one server (of one account) preparing at once in this worker (reading the
 * connector and credential, building the request): the rest wait their turn here, before taking
 * database connections and event-loop time. So a storm from one server queues behind itself, and
 * a call from another server or account finds the pool and the loop nearly as free as when it is
 * quiet. Waiting for the network (a throttle slot's last stretch, the answer) is outside it.
 */
const PREPARING_PER_SERVER = 16;
/**
 * Fast attempts of one server running at once in this worker; more go to the slow lane. A fast
 * attempt holds a workflow-task slot until it answers or hands off, so a burst from one server
 * (a cold storm, before the latency record knows its action is slow) would take every slot the
 * worker has; this keeps most of them for everyone else.
 */
const FAST_LANE_PER_SERVER = 32;

/** What the attempt tells its lane as it goes, and how the lane can stop it. */
export interface AttemptControl {
  /** Aborted when the attempt is given up: cancelled, or an idempotent one moved to the slow lane. */
  readonly signal: AbortSignal;
  /** The action is known (nothing sent yet); on the fast lane, one declared long-running leaves here. */
  resolved(action: { longRunning?: boolean | undefined; resendable: boolean }): void;
  /** The request is built: what follows waits on the network (the throttle's last stretch, the send). */
  prepared(): void;
  /** Right before the request leaves, in the same tick as the send: throws if the attempt was given up. */
  sending(): void;
}

export type AttemptBody = (input: AttemptInput, control: AttemptControl) => Promise<AttemptOutcome>;

/** Thrown by AttemptControl.resolved on the fast lane: nothing was sent. */
class LeaveFastLane extends Error {}

/** A server's turn to prepare an attempt in this worker (see PREPARING_PER_SERVER). */
class Turns {
  private readonly servers = new Map<string, { running: number; waiting: Array<() => void> }>();

  async take(action: ExecuteActionInput): Promise<() => void> {
    const key = `${action.accountId}/${action.serverId}`;
    let server = this.servers.get(key);
    if (!server) {
      server = { running: 0, waiting: [] };
      this.servers.set(key, server);
    }
    const turns = server;
    if (turns.running >= PREPARING_PER_SERVER) await new Promise<void>((resolve) => turns.waiting.push(resolve));
    else turns.running += 1;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = turns.waiting.shift();
      if (next) return next();
      turns.running -= 1;
      if (turns.running === 0) this.servers.delete(key);
    };
  }
}

class Control implements AttemptControl {
  readonly controller = new AbortController();
  resendable = false;
  sentAt: number | undefined;
  readonly sent: Promise<void>;
  private markSent!: () => void;

  constructor(
    private readonly lane: 'fast' | 'slow',
    private readonly endTurn: () => void,
  ) {
    this.sent = new Promise((resolve) => (this.markSent = resolve));
  }

  prepared() {
    this.endTurn();
  }

  get signal() {
    return this.controller.signal;
  }

  resolved(action: { longRunning?: boolean | undefined; resendable: boolean }) {
    this.resendable = action.resendable;
    if (this.lane === 'fast' && action.longRunning) throw new LeaveFastLane('declared long-running');
  }

  sending() {
    this.controller.signal.throwIfAborted();
    this.sentAt = Date.now();
    this.markSent();
  }
}


function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** The last answer time of each (account, connector, action) in this worker, to route the next attempt. */
class LatencyRecord {
  private readonly entries = new Map<string, { ms: number; unanswered: boolean; at: number }>();

  constructor(private readonly budgetMs: number) {}

  /** An answer after `ms`, or (`unanswered`) none yet after `ms`. */
  note(action: ExecuteActionInput, ms: number, unanswered = false) {
    const key = keyOf(action);
    this.entries.delete(key);
    this.entries.set(key, { ms, unanswered, at: Date.now() });
    if (this.entries.size > LATENCY_RECORD_SIZE) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Why the action counts as slow: its last answer, recent and later than the budget. */
  slowBecause(action: ExecuteActionInput): string | undefined {
    const entry = this.entries.get(keyOf(action));
    if (!entry || Date.now() - entry.at > LATENCY_RECORD_TTL_MS) return undefined;
    if (entry.unanswered) return `its last call had no answer after ${seconds(entry.ms)}`;
    return entry.ms > this.budgetMs ? `its last call took ${seconds(entry.ms)}` : undefined;
  }
}

const keyOf = (action: ExecuteActionInput) => `${action.accountId}/${action.connectorId}/${action.actionId}`;

/** Attempts handed off by the fast lane, until their collector takes them. */
class Handoffs {
  private readonly entries = new Map<string, { outcome: Promise<AttemptOutcome>; controller: AbortController; settledAt?: number }>();
  private next = 0;

  add(outcome: Promise<AttemptOutcome>, controller: AbortController): string {
    const id = `${process.pid}-${++this.next}`;
    const entry: { outcome: Promise<AttemptOutcome>; controller: AbortController; settledAt?: number } = { outcome, controller };
    this.entries.set(id, entry);
    const settled = () => {
      entry.settledAt = Date.now();
      setTimeout(() => this.entries.get(id) === entry && this.entries.delete(id), UNCLAIMED_TTL_MS).unref();
    };
    outcome.then(settled, settled);
    return id;
  }

  take(id: string) {
    const entry = this.entries.get(id);
    this.entries.delete(id);
    return entry;
  }
}

/** Heartbeats while `work` runs, and aborts `controller` when the activity is cancelled. */
async function heartbeating<T>(controller: AbortController, work: Promise<T>): Promise<T> {
  const context = Context.current();
  const cancelled = () => controller.abort(context.cancellationSignal.reason);
  context.cancellationSignal.addEventListener('abort', cancelled, { once: true });
  const beat = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
  try {
    return await work;
  } finally {
    clearInterval(beat);
    context.cancellationSignal.removeEventListener('abort', cancelled);
  }
}

export function createAttemptLanes(deps: ActivityDependencies, capacity: Capacity, body: AttemptBody) {
  const budgetMs = deps.config.execution.fastBudgetMs;
  const latency = new LatencyRecord(budgetMs);
  const handoffs = new Handoffs();
  const turns = new Turns();
  /** Fast attempts running in this worker, by account/server (see FAST_LANE_PER_SERVER). */
  const fastLane = new Map<string, number>();

  const claimOf = (input: AttemptInput): CapacityClaim => ({
    leaseId: input.leaseId,
    accountId: input.action.accountId,
    serverId: input.action.serverId,
    workflowId: Context.current().info.workflowExecution!.workflowId,
  });

  /** Off to the slow lane, with the account's capacity claimed here (one local activity fewer for the run). */
  const slow = async (input: AttemptInput, reason: string): Promise<AttemptOutcome> => ({ kind: 'slow', reason, capacity: await capacity.claim(claimOf(input)) });

  /** The attempt, once its account's turn to prepare has come. */
  async function start(input: AttemptInput, lane: 'fast' | 'slow'): Promise<{ control: Control; work: Promise<AttemptOutcome> }> {
    const endTurn = await turns.take(input.action);
    const control = new Control(lane, endTurn);
    const work = body(input, control)
      .finally(endTurn)
      .then(
        (outcome) => {
          if (control.sentAt !== undefined) latency.note(input.action, Date.now() - control.sentAt);
          return outcome;
        },
        (error: unknown) => {
          if (error instanceof LeaveFastLane) return slow(input, error.message);
          throw error;
        },
      );
    return { control, work };
  }

  async function onFastLane(input: AttemptInput): Promise<AttemptOutcome> {
    const { action } = input;
    if (isRemoteMcpConnectorId(action.connectorId)) return slow(input, 'remote MCP tool');
    if (isPluginConnectorId(action.connectorId)) return slow(input, 'WASM plugin');
    const recently = latency.slowBecause(action);
    if (recently !== undefined) return slow(input, recently);
    const server = `${action.accountId}/${action.serverId}`;
    const onFastLane = fastLane.get(server) ?? 0;
    if (onFastLane >= FAST_LANE_PER_SERVER) return slow(input, `${onFastLane} calls of its server on the fast lane`);
    fastLane.set(server, onFastLane + 1);
    let control: Control | undefined;
    const context = Context.current();
    const cancelled = () => control?.controller.abort(context.cancellationSignal.reason);
    context.cancellationSignal.addEventListener('abort', cancelled, { once: true });
    try {
      const started = await start(input, 'fast');
      control = started.control;
      const { work } = started;
      const overBudget = Symbol('over budget');
      const first = await Promise.race([work, control.sent.then(() => delay(budgetMs, overBudget))]);
      if (first !== overBudget || !deps.handoffTaskQueue) return await work;
      // Sent and not answered within the budget: the answer is collected outside the workflow task.
      const answer = await capacity.claim(claimOf(input), !control.resendable);
      if (!answer.granted) {
        // Over its account's cap, an attempt that may be sent again is: from the queue, on the slow lane.
        control.controller.abort();
        await work.catch(() => undefined);
        return { kind: 'slow', reason: answer.reason, capacity: answer };
      }
      latency.note(action, Date.now() - control.sentAt!, true);
      const handoffId = handoffs.add(work, control.controller);
      return {
        kind: 'handedOff',
        taskQueue: deps.handoffTaskQueue,
        handoffId,
        reason: `no answer within ${seconds(budgetMs)}`,
        resendable: control.resendable,
      };
    } finally {
      context.cancellationSignal.removeEventListener('abort', cancelled);
      const left = fastLane.get(server)! - 1;
      if (left === 0) fastLane.delete(server);
      else fastLane.set(server, left);
    }
  }

  return {
    /**
     * One attempt of a connector call. As a local activity (the fast lane) it runs within its
     * budget or hands off; as a regular activity on the slow lane it runs to the end, heartbeating.
     */
    async attemptConnectorAction(input: AttemptInput): Promise<AttemptOutcome> {
      if (Context.current().info.isLocal) return onFastLane(input);
      const { control, work } = await start(input, 'slow');
      return heartbeating(control.controller, work);
    },

    /** Collects a handed-off attempt on the worker that holds it (this activity's task queue is that worker's own). */
    async awaitHandedOffAttempt(input: HandoffInput): Promise<AttemptOutcome> {
      const entry = handoffs.take(input.handoffId);
      if (!entry) throw new Error(`Handed-off attempt ${input.handoffId} is not held by this worker`);
      return heartbeating(entry.controller, entry.outcome);
    },
  };
}
