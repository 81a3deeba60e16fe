import { describe, expect, it } from 'vitest';
import { toSwitchboardError } from '../../../src/api/errorHandler.js';

describe('mapping low-level failures to the documented error codes', () => {
  it('answers SERVICE_UNAVAILABLE for every way the database can go away', () => {
    const lost = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('query failed', { cause: new Error('Connection terminated') }),
    ];
    for (const error of lost) expect(toSwitchboardError(error).code).toBe('SERVICE_UNAVAILABLE');
  });

  it('answers INVALID_REQUEST for data the database refuses, and INTERNAL_ERROR for the rest', () => {
    expect(toSwitchboardError(Object.assign(new Error('invalid byte sequence'), { code: '22021' })).code).toBe('INVALID_REQUEST');
    expect(toSwitchboardError(new Error('something unexpected')).code).toBe('INTERNAL_ERROR');
  });
});
