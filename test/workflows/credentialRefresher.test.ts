import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import { workflowTypes, type CredentialRefresherWorkflow } from '../../src/workflows/contracts/runs.js';
import { refreshUpdate, revokeUpdate, tokensChangedSignal, type CredentialRefresherInput, type RefreshResult } from '../../src/workflows/contracts/credentials.js';
import { EventType, connectWorkflowTests, eventsOf, historyOf, polling, type WorkflowTestEnvironment } from '../support/workflowWorker.js';

// The credential refresher with mocked activities. A refresh is due when refreshSchedule says
// (the token's expiry minus the margin); the mock puts it a fraction of a second ahead, so the
// scheduled refresh, and the continue-as-new that follows it (one run per token lifetime), happen
// within a dev-server timer tick. The other trigger, workflowInfo().continueAsNewSuggested, needs
// a history of thousands of events and is not driven here.

let env: WorkflowTestEnvironment;
beforeAll(async () => {
  env = await connectWorkflowTests(['refreshSchedule', 'refreshCredentialTokens', 'revokeCredentialTokens']);
});
afterAll(async () => {
  await env?.close();
});

const input: CredentialRefresherInput = { credentialId: 'cred_oauth', accountId: 'acc_1', userId: 'user_1', connectorId: 'github' };
const refreshed: RefreshResult = { status: 'active', refreshed: true, expiresAt: '2030-01-01T00:00:00.000Z' };

interface RefresherMocks {
  /** When each refreshSchedule call says the next refresh is due, relative to the call (undefined: never). */
  dueInMs: Array<number | undefined>;
  refresh?: Activities['refreshCredentialTokens'];
}

function refresherActivities({ dueInMs, refresh }: RefresherMocks) {
  const scheduled: string[] = [];
  const refreshes: Array<Parameters<Activities['refreshCredentialTokens']>[0]> = [];
  const revoked: string[] = [];
  const activities = {
    refreshSchedule: async ({ credentialId }) => {
      const dueIn = dueInMs[scheduled.length];
      scheduled.push(credentialId);
      return { active: true, ...(dueIn !== undefined ? { refreshAt: Date.now() + dueIn } : {}) };
    },
    refreshCredentialTokens: async (request) => {
      refreshes.push(request);
      return refresh ? refresh(request) : refreshed;
    },
    revokeCredentialTokens: async ({ credentialId }) => {
      revoked.push(credentialId);
      return { revokedAtProvider: true };
    },
  } satisfies Pick<Activities, 'refreshSchedule' | 'refreshCredentialTokens' | 'revokeCredentialTokens'>;
  return { scheduled, refreshes, revoked, activities };
}

async function startRefresher(taskQueue: string) {
  return env.client.workflow.start<CredentialRefresherWorkflow>(workflowTypes.credentialRefresher, {
    workflowId: `workflow-test/refresher/${randomUUID()}`,
    taskQueue,
    args: [input],
  });
}

describe('credential refresher', () => {
  it('refreshes when due, then continues as new with the same input, and the new run carries on', async () => {
    const { scheduled, refreshes, revoked, activities } = refresherActivities({ dueInMs: [200, undefined] });
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startRefresher(taskQueue);
      const firstRunId = handle.firstExecutionRunId;
      await expect.poll(async () => (await handle.describe()).runId, polling).not.toBe(firstRunId);

      const firstRun = await historyOf(handle, firstRunId);
      const [continued] = eventsOf(firstRun, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
      expect(firstRun.at(-1)).toBe(continued);
      const attributes = continued!.workflowExecutionContinuedAsNewEventAttributes!;
      expect(attributes.input?.payloads?.map((payload) => defaultPayloadConverter.fromPayload(payload))).toEqual([input]);
      expect(attributes.newExecutionRunId).toBe((await handle.describe()).runId);
      expect(eventsOf(firstRun, EventType.EVENT_TYPE_TIMER_FIRED)).toHaveLength(1);

      // The new run asked for its own schedule and waits (keep-alive); revoking ends it.
      await expect.poll(() => scheduled.length, polling).toBe(2);
      expect(await handle.executeUpdate(revokeUpdate)).toEqual({ revokedAtProvider: true });
      await handle.result();
    });
    expect(scheduled).toEqual(['cred_oauth', 'cred_oauth']);
    expect(refreshes).toEqual([{ credentialId: 'cred_oauth', reason: 'scheduled' }]);
    expect(revoked).toEqual(['cred_oauth']);
  });

  it('reschedules in the same run, without refreshing, when new tokens arrive another way', async () => {
    const { scheduled, refreshes, activities } = refresherActivities({ dueInMs: [undefined, undefined] });
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startRefresher(taskQueue);
      await expect.poll(() => scheduled.length, polling).toBe(1);
      await handle.signal(tokensChangedSignal);
      await expect.poll(() => scheduled.length, polling).toBe(2);
      await handle.executeUpdate(revokeUpdate);
      await handle.result();
      expect((await handle.describe()).runId).toBe(handle.firstExecutionRunId);
    });
    expect(refreshes).toEqual([]);
  });

  it('runs one refresh for callers that ask at the same time, and all of them get its result', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { scheduled, refreshes, activities } = refresherActivities({
      dueInMs: [undefined, undefined],
      refresh: async () => {
        await released;
        return refreshed;
      },
    });
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startRefresher(taskQueue);
      const callers = [
        handle.executeUpdate(refreshUpdate, { args: [{ reason: 'expiring', seenTokenHash: 'hash_a' }] }),
        handle.executeUpdate(refreshUpdate, { args: [{ reason: 'rejected', seenTokenHash: 'hash_a' }] }),
      ];
      await expect.poll(async () => eventsOf(await historyOf(handle), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).length, polling).toBe(2);
      release();
      expect(await Promise.all(callers)).toEqual([refreshed, refreshed]);
      // A finished refresh reschedules from the new expiry.
      await expect.poll(() => scheduled.length, polling).toBe(2);
      await handle.executeUpdate(revokeUpdate);
      await handle.result();
    });
    // Either caller's request may be the one that runs (the updates arrive in any order); only one does.
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]).toMatchObject({ credentialId: 'cred_oauth', seenTokenHash: 'hash_a' });
  });
});
