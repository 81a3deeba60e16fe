import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/faults.js';
import { rssMb, startBacklogStage, type BacklogStage } from '../support/backlog.js';

/**
 * Isolation under a backlog, timed, with real processes: BACKLOG runs queue behind a 1/s throttle
 * on one (account, connector); another connector of the same account and the same connector of
 * another account keep their quiet latency, also while the worker is killed with SIGKILL and
 * replaced. Raising the limit then drains the backlog, every run completing exactly once.
 * Latency is wall-clock, so this lives here, one file at a time; test/integration/backlog.test.ts
 * keeps the same path's correctness in `npm test`.
 */
const BACKLOG = 1000;
const SAMPLES = 15;

const p50 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

describe(`a backlog of ${BACKLOG} runs behind a 1/s throttle, timed`, () => {
  let stage: BacklogStage;

  beforeAll(async () => {
    stage = await startBacklogStage();
  });
  afterAll(async () => {
    await stage?.close();
  });

  /** Sequential execute_action latencies (ms) of the two bystanders: A's Slack and B's payments. */
  async function bystanders(label: string) {
    const timed = async (client: McpClient, connectorId: string, actionId: string, parameters: Record<string, unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const started = performance.now();
        const result = await client.callTool({ name: 'execute_action', arguments: { connectorId, actionId, parameters } });
        samples.push(performance.now() - started);
        expect(result.isError).toBeFalsy();
      }
      return p50(samples);
    };
    const figures = {
      otherConnector: await timed(stage.otherConnector, 'slack', 'chat_postMessage', { channel: 'C1', text: label }),
      otherAccount: await timed(stage.otherAccount, 'acme-pay', 'create_charge', { amount: -1 }),
    };
    console.log(`${label}: other connector p50 ${figures.otherConnector.toFixed(1)} ms, other account p50 ${figures.otherAccount.toFixed(1)} ms, worker RSS ${rssMb(stage.worker.child.pid!).toFixed(0)} MB`);
    return figures;
  }

  it('keeps other connectors and accounts at their quiet latency, survives kill -9 of the worker, and drains once the limit is raised', async () => {
    await bystanders('warm-up');
    const quiet = await bystanders('quiet');

    const queuedAt = Date.now();
    const runIds = await stage.queueBacklog(BACKLOG);
    console.log(`${BACKLOG} runs queued and waiting in ${((Date.now() - queuedAt) / 1000).toFixed(1)} s`);
    const during = await bystanders('during the backlog');
    // Loose on purpose: CI shares 2 cores with everything else. Before this change a backlog of
    // 300 left these calls unanswered after 120 s. The 20 % target is measured by the bench.
    expect(during.otherConnector).toBeLessThanOrEqual(quiet.otherConnector * 1.2 + 150);
    expect(during.otherAccount).toBeLessThanOrEqual(quiet.otherAccount * 1.2 + 150);
    const sentBeforeRaise = stage.backlogCharges().length;
    expect(sentBeforeRaise).toBeLessThan(BACKLOG / 4);

    await stage.replaceWorkerAfterKill();

    const raisedAt = Date.now();
    expect((await stage.rest('PUT', '/api/connectors/acme-pay/settings', { rateLimit: { requestsPerSecond: 500, burst: 500 } })).status).toBe(200);
    await until(() => new Set(stage.fake.charges.map((charge) => charge.amount)).size >= BACKLOG + 1, 'the backlog to drain', 90_000);
    const drainSeconds = (Date.now() - raisedAt) / 1000;
    console.log(
      `drained ${BACKLOG - sentBeforeRaise} runs in ${drainSeconds.toFixed(1)} s after raising the limit to 500/s, burst 500 ` +
        `(${((BACKLOG - sentBeforeRaise) / drainSeconds).toFixed(0)} runs/s); worker RSS ${rssMb(stage.worker.child.pid!).toFixed(0)} MB`,
    );

    const results = await Promise.all(runIds.map((workflowId) => stage.temporal.client.workflow.getHandle(workflowId).result()));
    expect(results.every((result) => result.status === 200 || result.status === 201)).toBe(true);
    expect(stage.backlogCharges()).toHaveLength(BACKLOG);
    expect(new Set(stage.backlogCharges().map((charge) => charge.amount)).size).toBe(BACKLOG);
  }, 150_000);
});
