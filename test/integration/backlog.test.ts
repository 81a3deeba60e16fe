import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/faults.js';
import { startBacklogStage, type BacklogStage } from '../support/backlog.js';

/**
 * A backlog's correctness with real processes: BACKLOG runs queue behind a 1/s throttle; the
 * other connector and the other account still answer, the throttle holds, the worker is killed
 * with SIGKILL and replaced mid-backlog, and raising the limit drains every run exactly once.
 * Nothing here is timed: test/faults/backlog.test.ts measures the bystanders' latency beside
 * 1,000 runs.
 */
const BACKLOG = 100;

describe(`a backlog of ${BACKLOG} runs behind a 1/s throttle`, () => {
  let stage: BacklogStage;

  beforeAll(async () => {
    stage = await startBacklogStage();
  });
  afterAll(async () => {
    await stage?.close();
  });

  it('leaves other connectors and accounts answering, survives kill -9 of the worker, and drains exactly once when the limit is raised', async () => {
    await stage.callBystanders('quiet');
    const queuedAt = Date.now();
    const runIds = await stage.queueBacklog(BACKLOG);
    await stage.callBystanders('during the backlog');
    // The throttle holds: at 1/s with a burst of 1, no more than one charge per second since the
    // first run was started, plus the first (slots run below the limit, so this bound is loose).
    const sentBeforeKill = stage.backlogCharges().length;
    expect(sentBeforeKill).toBeLessThanOrEqual(Math.ceil((Date.now() - queuedAt) / 1000) + 1);
    expect(sentBeforeKill).toBeLessThan(BACKLOG);

    await stage.replaceWorkerAfterKill();
    await stage.callBystanders('after the worker was replaced');

    expect((await stage.rest('PUT', '/api/connectors/acme-pay/settings', { rateLimit: { requestsPerSecond: 500, burst: 500 } })).status).toBe(200);
    await until(() => stage.backlogCharges().length >= BACKLOG, 'the backlog to drain', 90_000);
    const results = await Promise.all(runIds.map((workflowId) => stage.temporal.client.workflow.getHandle(workflowId).result()));
    expect(results.every((result) => result.status === 200 || result.status === 201)).toBe(true);
    expect(stage.backlogCharges()).toHaveLength(BACKLOG);
    expect(new Set(stage.backlogCharges().map((charge) => charge.amount)).size).toBe(BACKLOG);
  }, 150_000);
});
