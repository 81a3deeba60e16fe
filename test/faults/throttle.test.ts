import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startThrottledPair, type ThrottledPair } from '../support/throttledPair.js';

const LIMIT = 5;

/** Most requests any 1000 ms window saw (times sorted ascending). */
function busiestSecond(times: number[]): number {
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= 1000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/**
 * The throttle's timing, measured to the millisecond at an API that refuses the (LIMIT + 1)th
 * request of any second: a wall-clock test, so it lives here (one file at a time) and not in
 * `npm test`, whose test/integration/throttle.test.ts checks the same path by bounds a slow
 * machine cannot break.
 */
describe('workflow-level throttles across processes, timed', () => {
  let pair: ThrottledPair;

  beforeAll(async () => {
    pair = await startThrottledPair(LIMIT);
  });
  afterAll(async () => {
    await pair?.close();
  });
  beforeEach(() => pair.fake.reset());

  it(`never lets more than ${LIMIT} requests a second reach an API limited to ${LIMIT}/s, from a burst of ${4 * LIMIT}`, async () => {
    pair.fake.limitPerSecond = LIMIT;
    const results = await Promise.all(Array.from({ length: 4 * LIMIT }, (_, i) => pair.post(i)));
    expect(results.filter((result) => result.isError)).toEqual([]);
    expect(pair.fake.rateLimited).toBe(0);
    expect(pair.fake.requests).toHaveLength(4 * LIMIT);
    expect(busiestSecond(pair.fake.requests.map((request) => request.at).sort((a, b) => a - b))).toBeLessThanOrEqual(LIMIT);
  });
});
