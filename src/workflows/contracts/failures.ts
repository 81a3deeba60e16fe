import { ActivityFailure, ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { isErrorCode, nonRetryableCodes, SwitchboardError, type ErrorCode, type ErrorDetails } from '../../errors.js';

/**
 * The one place our errors become Temporal failures, for activities and workflows alike. A
 * failure's type is always an ErrorCode, its first detail the error's details, and it is
 * non-retryable exactly when errors.ts says a retry cannot fix the code, so an activity's flag and a workflow's nonRetryableErrorTypes (nonRetryableCodes) never disagree.
 */

/** Failures' types are error codes: workflows, which import no module outside the contracts, take them from here. */
export { errorCodes, nonRetryableCodes, type ErrorCode } from '../../errors.js';

export function failureOf(code: ErrorCode, message: string, details: ErrorDetails = {}): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, details: [details], nonRetryable: nonRetryableCodes.includes(code) });
}

/** A coded failure read back in a workflow (an activity's, or a step's): its code, message and details. */
export function codedFailureIn(error: unknown): { code: ErrorCode; message: string; details: ErrorDetails } | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (!(cause instanceof ApplicationFailure) || !isErrorCode(cause.type)) return undefined;
  const details = cause.details?.[0];
  return { code: cause.type, message: cause.message, details: details && typeof details === 'object' ? (details as ErrorDetails) : {} };
}

/**
 * Any error as a coded failure: what an activity throws, or an activity's failure a workflow
 * passes on as its own (unwrapped, so callers read the code without digging). Our coded errors
 * keep their code; anything else (a bug, a dropped connection) is a retryable INTERNAL_ERROR with
 * its message, as Temporal would have recorded it, but not its class name as the type.
 */
export function toApplicationFailure(error: unknown): ApplicationFailure {
  if (error instanceof SwitchboardError) return failureOf(error.code, error.message, error.details);
  const coded = codedFailureIn(error);
  if (coded) return failureOf(coded.code, coded.message, coded.details);
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return failureOf('INTERNAL_ERROR', cause instanceof Error ? cause.message : 'Failed unexpectedly');
}

/**
 * Each activity of an activities object failing only through toApplicationFailure. Temporal's own
 * failures (an activity's cancellation) pass unchanged: the worker reports those itself.
 */
export function failingWithCodes<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [
      name,
      async (...args: never[]) => {
        try {
          return await activity(...args);
        } catch (error) {
          throw error instanceof TemporalFailure && !(error instanceof ApplicationFailure) ? error : toApplicationFailure(error);
        }
      },
    ]),
  ) as T;
}
