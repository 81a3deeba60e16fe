import { describe, expect, it } from 'vitest';
import { loggedError } from '../../../src/observability/loggedError.js';

describe('loggedError', () => {
  it('leaves out the statement parameters a database error carries and bounds every string', () => {
    // As PGlite throws it: the statement and its parameters hung on the error (a 10 MB tool list here).
    const error = Object.assign(new Error('total size of jsonb array elements exceeds the maximum'), {
      code: '54000',
      query: 'update "mcp_connectors" set "tools" = $1',
      params: ['['.padEnd(10 * 1024 * 1024, 'x')],
      detail: 'y'.repeat(100_000),
    });
    const logged = loggedError(error) as Record<string, unknown>;
    expect(logged).toMatchObject({ type: 'Error', message: error.message, code: '54000', query: error.query });
    expect(logged).not.toHaveProperty('params');
    expect(logged.detail).toMatch(/^y{8192}… \(100000 characters\)$/);
    expect(JSON.stringify(logged).length).toBeLessThan(32 * 1024);
  });

  it('keeps the cause chain in message and stack, as pino does', () => {
    const error = new Error('outer', { cause: new Error('inner') });
    const logged = loggedError(error) as { message: string; stack: string };
    expect(logged.message).toBe('outer: inner');
    expect(logged.stack).toContain('caused by: Error: inner');
  });

  it('passes what is not an error through, bounded', () => {
    expect(loggedError({ note: 'z'.repeat(10_000) })).toEqual({ note: `${'z'.repeat(8192)}… (10000 characters)` });
  });
});
