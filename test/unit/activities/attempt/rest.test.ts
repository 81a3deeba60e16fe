import { describe, expect, it } from 'vitest';
import { retryDelaySeconds } from '../../../../src/activities/attempt/rest.js';

describe('retry delays', () => {
  it('reads Retry-After as seconds or a date, and a connector reset header', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelaySeconds({ 'retry-after': '7' }, undefined, now)).toBe(7);
    expect(retryDelaySeconds({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, undefined, now)).toBe(30);
    const github = { requestsPerSecond: 1, headers: { retryAfter: 'retry-after', reset: 'x-ratelimit-reset', resetUnit: 'epoch-seconds' as const } };
    expect(retryDelaySeconds({ 'x-ratelimit-reset': String(now / 1000 + 12) }, github, now)).toBe(12);
    expect(retryDelaySeconds({}, undefined, now)).toBeUndefined();
  });
});
