import { RetryState } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { failureOf } from '../../../src/workflows/contracts/failures.js';
import { errorFromWorkflowFailure } from '../../../src/starters/executeAction.js';

const failedRun = (cause: Error) => new WorkflowFailedError('Workflow execution failed', cause, RetryState.NON_RETRYABLE_FAILURE);

describe('errorFromWorkflowFailure', () => {
  it("gives the caller a run's coded failure as it was raised", () => {
    const error = errorFromWorkflowFailure(failedRun(failureOf('UPSTREAM_ERROR', 'slack answered 500', { status: 500 })));
    expect(error.toBody()).toEqual({ error: { code: 'UPSTREAM_ERROR', message: 'slack answered 500', details: { status: 500 } } });
  });

  it("keeps an INTERNAL_ERROR's own message (a library's words, for operators) out of the answer, and its details in", () => {
    const error = errorFromWorkflowFailure(failedRun(failureOf('INTERNAL_ERROR', 'connect ECONNREFUSED postgres://app:hunter2@db', { steps: [] })));
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toMatch(/failed unexpectedly/);
    expect(error.details).toEqual({ steps: [] });
  });
});
