import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { connectorActivityDuration, tokenRefreshes, upstreamResponses } from './metrics.js';

/**
 * Reads outcomes off the activities' inputs and results, so the activities themselves stay free
 * of metrics code: the upstream status is in the result or the failure's details, a refresh's
 * outcome in its result.
 */
export class ActivityMetricsInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly activityType: string) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    if (this.activityType === 'executeConnectorAction') return this.connectorAction(input, next);
    if (this.activityType === 'refreshCredentialTokens') return this.refresh(input, next);
    return next(input);
  }

  private async connectorAction(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
    const connector = String((input.args[0] as { connectorId?: unknown } | undefined)?.connectorId ?? 'unknown');
    const started = performance.now();
    let outcome = 'ok';
    try {
      const result = (await next(input)) as { status?: unknown };
      if (typeof result?.status === 'number') upstreamResponses.inc({ connector, status: String(result.status) });
      return result;
    } catch (error) {
      outcome = error instanceof ApplicationFailure ? (error.type ?? 'FAILED') : 'FAILED';
      const details = error instanceof ApplicationFailure ? (error.details?.[0] as Record<string, unknown> | undefined) : undefined;
      if (typeof details?.status === 'number') upstreamResponses.inc({ connector, status: String(details.status) });
      else if (typeof details?.networkError === 'string') upstreamResponses.inc({ connector, status: 'network' });
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
