import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import type { AttemptInput, AttemptOutcome, HandoffInput } from '../workflows/contracts/attempt.js';
import { connectorActivityDuration, tokenRefreshes, upstreamResponses } from '../observability/metrics.js';

/**
 * Reads outcomes off the activities' inputs and results, so the activities themselves stay free
 * of metrics code: the upstream status is in the result or the failure's details, a refresh's
 * outcome in its result.
 */
export class ActivityMetricsInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly activityType: string) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    if (this.activityType === 'attemptConnectorAction' || this.activityType === 'awaitHandedOffAttempt') return this.connectorAction(input, next);
    if (this.activityType === 'refreshCredentialTokens') return this.refresh(input, next);
    return next(input);
  }

  /** One attempt returns its outcome (a failed send is data, not a thrown failure): the status is in it. */
  private async connectorAction(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
    const args = input.args[0] as Partial<AttemptInput & HandoffInput> | undefined;
    const connector = String(args?.action?.connectorId ?? args?.connectorId ?? 'unknown');
    const started = performance.now();
    let outcome = 'FAILED';
    try {
      const result = (await next(input)) as AttemptOutcome;
      if (result.kind === 'succeeded') {
        outcome = 'ok';
        upstreamResponses.inc({ connector, status: String(result.result.status) });
      } else if (result.kind === 'retry' || result.kind === 'failed') {
        outcome = result.error.code;
        const { status, networkError } = result.error.details;
        if (typeof status === 'number') upstreamResponses.inc({ connector, status: String(status) });
        else if (typeof networkError === 'string') upstreamResponses.inc({ connector, status: 'network' });
      } else {
        // throttled, slow (left the fast lane unsent), handedOff (its answer is counted when collected)
        outcome = result.kind === 'handedOff' ? 'handed_off' : result.kind;
      }
      return result;
    } catch (error) {
      if (error instanceof ApplicationFailure && error.type) outcome = error.type;
      throw error;
    } finally {
      connectorActivityDuration.observe({ connector, outcome }, (performance.now() - started) / 1000);
    }
  }

  private async refresh(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
    try {
      const result = (await next(input)) as { status?: unknown; refreshed?: unknown };
      tokenRefreshes.inc({ outcome: result?.refreshed ? 'refreshed' : String(result?.status === 'active' ? 'not_due' : (result?.status ?? 'unknown')) });
      return result;
    } catch (error) {
      tokenRefreshes.inc({ outcome: 'failed' });
      throw error;
    }
  }
}
