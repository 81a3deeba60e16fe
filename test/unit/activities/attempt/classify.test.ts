import { describe, expect, it } from 'vitest';
import { outcomeOfError, retryAfterRefresh, retryDelaySeconds, upstreamError } from '../../../../src/activities/attempt/classify.js';
import { ConnectorNotFoundError, SwitchboardError } from '../../../../src/errors.js';
import { RemoteMcpError } from '../../../../src/upstream/remoteMcp/toolResults.js';

describe('classifying a coded error', () => {
  it('retries what a retry can fix and fails the rest', () => {
    expect(outcomeOfError(new SwitchboardError('SERVICE_UNAVAILABLE', 'busy'))).toEqual({
      kind: 'retry',
      error: { code: 'SERVICE_UNAVAILABLE', message: 'busy', details: {} },
      reason: 'SERVICE_UNAVAILABLE: busy',
    });
    expect(outcomeOfError(new ConnectorNotFoundError('acme')).kind).toBe('failed');
    expect(outcomeOfError(new SwitchboardError('RATE_LIMITED', 'later'), { retryable: false }).kind).toBe('failed');
  });

  it('lets an MCP failure say whether a retry could repeat the tool, and names the connector', () => {
    const sent = new RemoteMcpError('mcp.example answered HTTP 500: boom', false, { status: 500 });
    expect(outcomeOfError(sent, { from: 'mcp-1' })).toEqual({ kind: 'failed', error: { code: 'UPSTREAM_ERROR', message: sent.message, details: { status: 500 } } });
    const unsent = new RemoteMcpError('Could not reach mcp.example (ECONNREFUSED)', true, {});
    expect(outcomeOfError(unsent, { from: 'mcp-1' })).toMatchObject({ kind: 'retry', reason: 'UPSTREAM_ERROR from mcp-1: Could not reach mcp.example (ECONNREFUSED)' });
  });
});

describe('the one refresh after a 401', () => {
  const refused = (status: number) => ({ status, connectorId: 'acme', error: upstreamError(`Acme answered ${status}`, { status }) });
  const token = { credentialId: 'cred-1', refreshable: true, headers: { authorization: 'Bearer old' }, query: {} };
  const authorize = async () => ({ credentialId: 'cred-1', refreshable: true, headers: { authorization: 'Bearer new' }, query: {} });

  it('refreshes once and retries at once', async () => {
    expect(await retryAfterRefresh(refused(401), { refreshOn401: true }, token, authorize)).toEqual({
      kind: 'retry',
      error: refused(401).error,
      reason: '401 from acme; token refreshed',
      delayMs: 0,
      tokenRefreshed: { credentialId: 'cred-1' },
    });
  });

  it('does not apply to another status, a token that cannot refresh, or an attempt after a refresh', async () => {
    expect(await retryAfterRefresh(refused(403), { refreshOn401: true }, token, authorize)).toBeUndefined();
    expect(await retryAfterRefresh(refused(401), { refreshOn401: true }, { ...token, refreshable: false }, authorize)).toBeUndefined();
    expect(await retryAfterRefresh(refused(401), { refreshOn401: true }, undefined, authorize)).toBeUndefined();
    expect(await retryAfterRefresh(refused(401), { refreshOn401: false }, token, authorize)).toBeUndefined();
  });
});

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
