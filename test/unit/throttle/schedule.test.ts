import { describe, expect, it } from 'vitest';
import { feedbackOf } from '../../../src/activities/execution/throttle.js';
import { HORIZON_MS, RATE_HEADROOM, Schedule } from '../../../src/workflows/throttle.js';

const rate = { requestsPerSecond: 5 };
const interval = 1000 / (5 * RATE_HEADROOM);

describe('throttle schedule', () => {
  it('grants the first permit at once and spaces the rest one interval apart, in arrival order', () => {
    const schedule = Schedule.fresh(rate, 0);
    const grants = Array.from({ length: 4 }, () => schedule.acquire(0, { rate }));
    expect(grants.map((grant) => Math.round(grant.sendAt))).toEqual([0, 1, 2, 3].map((i) => Math.round(i * interval)));
    // Only a slot inside the horizon is final; later ones hold a ticket to confirm.
    expect(grants[0]!.ticket).toBeUndefined();
    expect(grants.slice(1).every((grant) => grant.ticket !== undefined)).toBe(true);
    const confirmed = schedule.acquire(grants[1]!.sendAt - HORIZON_MS / 2, { rate, ticket: grants[1]!.ticket! });
    expect(confirmed).toEqual({ sendAt: grants[1]!.sendAt });
    expect(schedule.outstanding).toBe(2);
  });

  it('lets a burst through at once, then the configured rate', () => {
    const burst = { requestsPerSecond: 5, burst: 3 };
    const schedule = Schedule.fresh(burst, 0);
    const slots = Array.from({ length: 5 }, () => Math.round(schedule.acquire(0, { rate: burst }).sendAt));
    expect(slots).toEqual([0, 0, 0, Math.round(interval), Math.round(2 * interval)]);
  });

  it('moves every ticket behind a pause, keeping the queue order, and allows one request when it ends', () => {
    const schedule = Schedule.fresh(rate, 0);
    const grants = Array.from({ length: 3 }, () => schedule.acquire(0, { rate }));
    schedule.pause(10, 2000);
    const second = schedule.acquire(1000, { rate, ticket: grants[1]!.ticket! });
    const third = schedule.acquire(1000, { rate, ticket: grants[2]!.ticket! });
    expect(second.sendAt).toBe(2010);
    expect(third.sendAt).toBeCloseTo(2010 + interval);
    expect(schedule.acquire(1000, { rate }).sendAt).toBeCloseTo(2010 + 2 * interval);
  });

  it('turns a 429 or an exhausted remaining count into feedback', () => {
    const limit = { requestsPerSecond: 1, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset' } };
    expect(feedbackOf(429, {}, limit, 2)).toMatchObject({ pauseMs: 2000 });
    expect(feedbackOf(429, {}, limit, undefined)).toMatchObject({ pauseMs: 1000 });
    expect(feedbackOf(200, { 'x-ratelimit-remaining': '0' }, limit, 3)).toMatchObject({ pauseMs: 3000 });
    expect(feedbackOf(200, { 'x-ratelimit-remaining': '4' }, limit, 3)).toBeUndefined();
  });
});
