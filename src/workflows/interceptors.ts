import { ApplicationFailure, ContinueAsNew, isCancellation, log, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/**
 * Logs a failed run with its message and code. The SDK logs "Workflow failed" too, but its error
 * reaches the worker's logger through a structured clone, which keeps an Error's message and drops
 * a failure's type (our error code); src/temporal/logs.ts turns that line down to debug. A coded
 * failure (an upstream's 500, a missing credential) is the caller's answer: info. Anything else,
 * INTERNAL_ERROR included, is worth an operator's look: warn.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (error) {
          if (!isCancellation(error) && !(error instanceof ContinueAsNew)) {
            const code = error instanceof ApplicationFailure ? (error.type ?? undefined) : undefined;
            const message = error instanceof Error ? error.message : String(error);
            log[code && code !== 'INTERNAL_ERROR' ? 'info' : 'warn']('Workflow failed', { error: { message, ...(code ? { code } : {}) } });
          }
          throw error;
        }
      },
    },
  ],
});
