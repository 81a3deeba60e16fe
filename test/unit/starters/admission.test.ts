import { describe, expect, it } from 'vitest';
import { AccountBusyError } from '../../../src/errors.js';
import { Admission } from '../../../src/starters/admission.js';
import { metricsRegistry } from '../../../src/observability/metrics.js';

const settings = { serverOpenCalls: 2, accountOpenCalls: 3, busyStartsAtOnce: 1, busyStartQueue: 1 };

describe('admission of runs', () => {
  it('starts a server past its open calls on the busy queue, and another server of the account on the main one', async () => {
    const admission = new Admission(settings, 'q');
    const first = await admission.admit('acc_a', 'srv_storm');
    const second = await admission.admit('acc_a', 'srv_storm');
    const third = await admission.admit('acc_a', 'srv_storm');
    expect([first.taskQueue, second.taskQueue, third.taskQueue]).toEqual(['q', 'q', 'q-busy']);
    expect(third.busy).toEqual({ reason: 'its server has 2 calls open', waitedMs: expect.any(Number), waitingAhead: 0, leftWaiting: 0 });
    third.started();
    // The same account's other server, and another account, still start on the main queue.
    expect((await admission.admit('acc_a', 'srv_other')).taskQueue).toBe('q');
    expect((await admission.admit('acc_b', 'srv_b')).taskQueue).toBe('q');
    // The account now has 3 open on the main queue: its next server's call goes to the busy one too.
    const overAccount = await admission.admit('acc_a', 'srv_third');
    expect(overAccount.busy?.reason).toBe('its account has 3 calls open on the main queue');
  });

  it("lets a busy account's starts go one turn at a time, in order, and refuses past its queue with ACCOUNT_BUSY", async () => {
    const admission = new Admission({ ...settings, serverOpenCalls: 1 }, 'q');
    const open = await admission.admit('acc_a', 'srv');
    const starting = await admission.admit('acc_a', 'srv');
    expect(starting.busy).toBeDefined();
    let waitingAdmitted = false;
    const waiting = admission.admit('acc_a', 'srv').then((admitted) => ((waitingAdmitted = true), admitted));
    await expect(admission.admit('acc_a', 'srv')).rejects.toThrow(AccountBusyError);
    await expect(admission.admit('acc_a', 'srv')).rejects.toMatchObject({ code: 'ACCOUNT_BUSY', status: 429, details: { retryAfterSeconds: 10, waiting: 1 } });
    // Another account is never held by this one's turns.
    expect((await admission.admit('acc_b', 'srv')).taskQueue).toBe('q');
    expect(admission.counts().find((count) => count.accountId === 'acc_a')).toEqual({ accountId: 'acc_a', onMain: 1, onBusy: 2, waiting: 1 });

    await Promise.resolve();
    expect(waitingAdmitted).toBe(false);
    starting.started();
    const next = await waiting;
    expect(next.taskQueue).toBe('q-busy');
    next.done();
    starting.done();
    open.done();
    expect(admission.counts().find((count) => count.accountId === 'acc_a')).toBeUndefined();
    // With every turn given back, the next busy start goes at once.
    await admission.admit('acc_a', 'srv');
    const again = await admission.admit('acc_a', 'srv');
    expect(again.busy?.waitedMs).toBeLessThan(1000);
  });

  it("gives an account's turns to its servers in rotation, so one server's backlog does not hold back another's start", async () => {
    const admission = new Admission({ serverOpenCalls: 1, accountOpenCalls: 1, busyStartsAtOnce: 1, busyStartQueue: 100 }, 'q');
    await admission.admit('acc_a', 'srv_storm');
    const first = await admission.admit('acc_a', 'srv_storm');
    const order: string[] = [];
    const queued = (serverId: string, label: string) =>
      admission.admit('acc_a', serverId).then((admitted) => {
        order.push(label);
        // Its start answered at once: the turn goes on.
        admitted.started();
        return admitted;
      });
    const storm = [1, 2, 3, 4].map((n) => queued('srv_storm', `storm ${n}`));
    const other = queued('srv_other', 'other');
    const third = queued('srv_third', 'third');
    first.started();
    await Promise.all([...storm, other, third]);
    expect(order).toEqual(['storm 1', 'other', 'third', 'storm 2', 'storm 3', 'storm 4']);
    expect((await other).busy).toMatchObject({ reason: 'its account has 1 call open on the main queue', waitingAhead: 4, leftWaiting: 4 });
    expect((await storm[3]!).busy).toMatchObject({ waitingAhead: 3, leftWaiting: 0 });
  });

  it('reports open calls per account on /metrics', async () => {
    const admission = new Admission(settings, 'q');
    await admission.admit('acc_metrics', 'srv');
    const text = await metricsRegistry.metrics();
    expect(text).toContain('switchboard_open_calls{account="acc_metrics",state="main"} 1');
  });
});
