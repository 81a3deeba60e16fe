import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { forwardedLine, loggedError } from '../../../src/temporal/logs.js';

describe('Temporal log lines in our JSON log', () => {
  it('maps levels and keeps the fields', () => {
    expect(forwardedLine('WARN', 'Worker failed', { taskQueue: 'q' })).toEqual({ level: 'warn', message: 'Worker failed', fields: { taskQueue: 'q' } });
    expect(forwardedLine('TRACE', 'x').level).toBe('trace');
    expect(forwardedLine('ERROR', 'x').level).toBe('error');
  });

  it('writes an error as its message and code, never as {}', () => {
    const failure = ApplicationFailure.create({ type: 'INTERNAL_ERROR', message: 'boom', details: [{ body: 'upstream text' }] });
    const line = forwardedLine('WARN', 'Activity failed', { error: failure, sdkComponent: 'worker' });
    expect(line.fields.error).toEqual({ name: 'ApplicationFailure', message: 'boom', code: 'INTERNAL_ERROR' });
    expect(JSON.stringify(line)).not.toContain('upstream text');
    expect(loggedError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toEqual({ message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' });
    expect(loggedError(new Error('outer', { cause: new Error('inner') }))).toEqual({ message: 'outer', cause: 'inner' });
    expect(loggedError('plain')).toEqual({ message: 'plain' });
  });

  it("the SDK's own 'Workflow failed' is debug: the run's line with its code comes from the workflow interceptor", () => {
    expect(forwardedLine('WARN', 'Workflow failed', { error: new Error('thrown'), sdkComponent: 'worker' }).level).toBe('debug');
    const ours = forwardedLine('INFO', 'Workflow failed', { error: { message: 'Inventory answered 500', code: 'UPSTREAM_ERROR' }, sdkComponent: 'workflow' });
    expect(ours).toEqual({ level: 'info', message: 'Workflow failed', fields: { sdkComponent: 'workflow', error: { message: 'Inventory answered 500', code: 'UPSTREAM_ERROR' } } });
  });

  it("quiets core's expected lines only where they are expected", () => {
    const slowTask = '[TMPRL1104] abc:4:1 Workflow task duration exceeded 5 seconds.';
    expect(forwardedLine('WARN', slowTask, { sdkComponent: 'core', spanContexts: [{}] })).toEqual({
      level: 'debug',
      message: slowTask,
      fields: { sdkComponent: 'core' },
    });
    const stopping = 'shutdown_worker rpc errored during worker shutdown: status: Cancelled, message: "operation was canceled"';
    expect(forwardedLine('WARN', stopping, { sdkComponent: 'core' }).level).toBe('debug');
    // The same rpc failing for another reason is still a warning.
    expect(forwardedLine('WARN', 'shutdown_worker rpc errored during worker shutdown: status: Unavailable', { sdkComponent: 'core' }).level).toBe('warn');
    expect(forwardedLine('WARN', 'gRPC call respond_workflow_task_completed retried 5 times', { sdkComponent: 'core' }).level).toBe('warn');
    expect(forwardedLine('INFO', 'Workflow bundle created\n  size 1.7 MB').level).toBe('debug');
    // An activities-only worker (a slow lane) polls no workflow tasks on purpose.
    expect(forwardedLine('WARN', 'No workflows registered, not polling for workflow tasks', { sdkComponent: 'worker', taskQueue: 'switchboard-slow' }).level).toBe('debug');
  });
});
