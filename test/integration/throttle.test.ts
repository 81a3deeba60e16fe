import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startThrottledPair, type ThrottledPair } from '../support/throttledPair.js';

const LIMIT = 5;

/**
 * Two processes share one connector's limit through the ledger in Postgres. Only bounds a loaded
 * machine cannot break are asserted (it can make sends later, never earlier); the per-second
 * timing is measured in test/faults/throttle.test.ts.
 */
describe('workflow-level throttles across processes', () => {
  let pair: ThrottledPair;

  beforeAll(async () => {
    pair = await startThrottledPair(LIMIT);
  });
  afterAll(async () => {
    await pair?.close();
  });
  beforeEach(() => pair.fake.reset());

  it(`spreads a burst of ${4 * LIMIT} calls from two processes over one shared ${LIMIT}/s schedule, each sent once`, async () => {
    const startedAt = Date.now();
    const results = await Promise.all(Array.from({ length: 4 * LIMIT }, (_, i) => pair.post(i)));
    expect(results.filter((result) => result.isError)).toEqual([]);
    expect(pair.fake.requests).toHaveLength(4 * LIMIT);
    expect(new Set(pair.fake.requests.map((request) => JSON.stringify(request.body))).size).toBe(4 * LIMIT);
    // With a burst of 1 the k-th slot is at least k intervals after the first, which is not before
    // the burst was asked for: 4·LIMIT calls take at least (4·LIMIT − 1) intervals of 1/LIMIT s
    // (one interval's grace). Two processes each keeping their own schedule would take half that.
    const lastSent = Math.max(...pair.fake.requests.map((request) => request.at));
    expect(lastSent - startedAt).toBeGreaterThanOrEqual((4 * LIMIT - 2) * (1000 / LIMIT));
  });

  it('pauses every caller of the connector and credential when one gets a 429 with Retry-After', async () => {
    pair.fake.fail({ path: '/chat.postMessage', status: 429, headers: { 'retry-after': '2' }, times: 1 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => pair.post(i)));
    expect(results.filter((result) => result.isError)).toEqual([]);
    const times = pair.fake.requests.map((request) => request.at).sort((a, b) => a - b);
    // The first request was refused; nobody (the refused caller included) came back within its 2 s.
    expect(times).toHaveLength(7);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1900);
  });
});
