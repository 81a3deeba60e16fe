import { describe, expect, it } from 'vitest';
import { feedbackOf } from '../../../src/upstream/throttle.js';

describe('throttle feedback', () => {
  it('turns a 429 or an exhausted remaining count into a pause for every caller', () => {
    const limit = { requestsPerSecond: 5, headers: { retryAfter: 'retry-after', remaining: 'X-RateLimit-Remaining' } };
    expect(feedbackOf(429, {}, limit, 2)).toMatchObject({ pauseMs: 2000 });
    expect(feedbackOf(429, {}, limit, undefined)).toMatchObject({ pauseMs: 1000 });
    expect(feedbackOf(200, { 'x-ratelimit-remaining': '0' }, limit, 3)).toMatchObject({ pauseMs: 3000 });
    expect(feedbackOf(200, { 'x-ratelimit-remaining': '4' }, limit, 3)).toBeUndefined();
  });
});
