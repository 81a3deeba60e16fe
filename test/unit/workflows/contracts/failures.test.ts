import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ActivityFailure, ApplicationFailure, CancelledFailure, RetryState } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { codedFailureIn, failureOf, toApplicationFailure, failingWithCodes } from '../../../../src/workflows/contracts/failures.js';
import { ConnectorNotFoundError, errorCodes, InvalidRequestError, nonRetryableCodes, SwitchboardError } from '../../../../src/errors.js';
import { OAuthProviderError } from '../../../../src/upstream/oauthProvider.js';

const activityFailure = (cause: Error) => new ActivityFailure('Activity task failed', 'someActivity', '1', RetryState.NON_RETRYABLE_FAILURE, undefined, cause);

describe('failureOf', () => {
  it.each(errorCodes)('%s: the code is the type, and it is non-retryable only when errors.ts says so', (code) => {
    const failure = failureOf(code, 'what happened', { connectorId: 'slack' });
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(code);
    expect(failure.message).toBe('what happened');
    expect(failure.details).toEqual([{ connectorId: 'slack' }]);
    expect(failure.nonRetryable).toBe(nonRetryableCodes.includes(code));
  });

  it('carries empty details when there are none', () => {
    expect(failureOf('CONFLICT', 'taken').details).toEqual([{}]);
  });
});

describe('toApplicationFailure', () => {
  it('keeps a coded error: its code, message and details', () => {
    const failure = toApplicationFailure(new ConnectorNotFoundError('nope'));
    expect(failure).toMatchObject({ type: 'CONNECTOR_NOT_FOUND', message: 'Connector "nope" does not exist', nonRetryable: true });
    expect(failure.details).toEqual([{ connectorId: 'nope' }]);
    expect(toApplicationFailure(new SwitchboardError('UPSTREAM_ERROR', 'slack answered 500', { status: 500 }))).toMatchObject({
      type: 'UPSTREAM_ERROR',
      nonRetryable: false,
      details: [{ status: 500 }],
    });
  });

  it('makes a provider rejection final and lets a transient provider failure retry', () => {
    const rejected = toApplicationFailure(new OAuthProviderError('rejected', 'invalid_client', 'The token refresh failed: invalid_client (HTTP 401)'));
    expect(rejected).toMatchObject({ type: 'UPSTREAM_REJECTED', nonRetryable: true, details: [{ error: 'invalid_client' }] });
    const grant = toApplicationFailure(new OAuthProviderError('invalid_grant', 'invalid_grant', 'The code exchange failed: invalid_grant (HTTP 400)'));
    expect(grant).toMatchObject({ type: 'UPSTREAM_REJECTED', nonRetryable: true });
    const transient = toApplicationFailure(new OAuthProviderError('transient', 'server_error', 'The token refresh failed: HTTP 503'));
    expect(transient).toMatchObject({ type: 'UPSTREAM_ERROR', nonRetryable: false, details: [{ error: 'server_error' }] });
  });

  it('turns anything else into a retryable INTERNAL_ERROR with its message, not its class name as the type', () => {
    expect(toApplicationFailure(new TypeError('x is undefined'))).toMatchObject({ type: 'INTERNAL_ERROR', message: 'x is undefined', nonRetryable: false });
    expect(toApplicationFailure('a string')).toMatchObject({ type: 'INTERNAL_ERROR', message: 'Failed unexpectedly' });
    // A failure whose type is not one of our codes (another library's) is not passed on as is.
    expect(toApplicationFailure(ApplicationFailure.nonRetryable('nope', 'SOMETHING_ELSE'))).toMatchObject({ type: 'INTERNAL_ERROR', message: 'nope' });
  });

  it("passes an activity's coded failure on unwrapped, as a workflow rethrows it", () => {
    const failure = toApplicationFailure(activityFailure(failureOf('FORBIDDEN', 'not yours', { serverId: 'srv_1' })));
    expect(failure).toMatchObject({ type: 'FORBIDDEN', message: 'not yours', details: [{ serverId: 'srv_1' }], nonRetryable: true });
  });
});

describe('codedFailureIn', () => {
  it("reads a coded failure back, directly or as an activity's cause", () => {
    const coded = { code: 'INVALID_REQUEST', message: 'No input for 1.text', details: { step: 1 } };
    expect(codedFailureIn(failureOf('INVALID_REQUEST', 'No input for 1.text', { step: 1 }))).toEqual(coded);
    expect(codedFailureIn(activityFailure(failureOf('INVALID_REQUEST', 'No input for 1.text', { step: 1 })))).toEqual(coded);
  });

  it('finds nothing in an uncoded error', () => {
    expect(codedFailureIn(new Error('boom'))).toBeUndefined();
    expect(codedFailureIn(new CancelledFailure('cancelled'))).toBeUndefined();
  });
});

describe('failingWithCodes', () => {
  const activities = failingWithCodes({
    ok: async (value: number) => value + 1,
    coded: async () => {
      throw new InvalidRequestError('The attempt has no callback to redeem', { attemptId: 'oauth_1' });
    },
    crashed: async () => {
      throw new Error('connection terminated');
    },
    cancelled: async () => {
      throw new CancelledFailure('the run was cancelled');
    },
  });

  it('returns what the activity returns', async () => {
    expect(await activities.ok(1)).toBe(2);
  });

  it('throws every failure through the converter', async () => {
    await expect(activities.coded()).rejects.toMatchObject({ type: 'INVALID_REQUEST', nonRetryable: true, details: [{ attemptId: 'oauth_1' }] });
    await expect(activities.crashed()).rejects.toMatchObject({ type: 'INTERNAL_ERROR', message: 'connection terminated', nonRetryable: false });
  });

  it("leaves Temporal's own failures (cancellation) to the worker", async () => {
    await expect(activities.cancelled()).rejects.toBeInstanceOf(CancelledFailure);
  });
});

describe('the failure model in src', () => {
  async function sources(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => join(entry.parentPath, entry.name));
  }

  it("takes every workflow's non-retryable list from errors.ts", async () => {
    const lists: string[] = [];
    for (const file of await sources('src')) {
      for (const match of (await readFile(file, 'utf8')).matchAll(/nonRetryableErrorTypes:\s*([^\n]*)/g)) lists.push(match[1]!.trim());
    }
    expect(lists.length).toBeGreaterThan(0);
    // The slow lane's attempt returns its outcome and the workflow's loop decides every retry of a
    // coded failure, so there Temporal retries only what no code names (a lost worker): every code.
    expect(new Set(lists)).toEqual(new Set(['[...nonRetryableCodes],', '[...errorCodes] },']));
  });

  it('builds ApplicationFailures only in src/workflows/contracts/failures.ts (eslint no-restricted-syntax enforces it too)', async () => {
    const builders: string[] = [];
    for (const file of await sources('src')) {
      if (/ApplicationFailure\.(create|nonRetryable|retryable|fromError)\(|new ApplicationFailure\(/.test(await readFile(file, 'utf8'))) builders.push(file);
    }
    expect(builders).toEqual([join('src', 'workflows', 'contracts', 'failures.ts')]);
  });
});
