import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import { workflowTypes, type ExecuteActionWorkflow } from '../../src/workflows/contracts/runs.js';
import { credentialSettledSignal, type ExecuteActionInput } from '../../src/workflows/contracts/action.js';
import type { AttemptInput } from '../../src/workflows/contracts/attempt.js';
import { EventType, connectWorkflowTests, eventsOf, historyOf, timerMs, polling, type WorkflowTestEnvironment } from '../support/workflowWorker.js';

// A run started with awaitCredential (URL elicitation: the user is sent to connect the account)
// waits durably for a credentialSettled signal, up to the link's validity, then calls the
// connector. watchCredential and the attempt are mocked; the deadline is one second so the expiry
// costs one dev-server timer.

let env: WorkflowTestEnvironment;
beforeAll(async () => {
  env = await connectWorkflowTests(['watchCredential', 'attemptConnectorAction']);
});
afterAll(async () => {
  await env?.close();
});

function waitingAction(timeoutSeconds: number): ExecuteActionInput {
  return {
    accountId: 'acc_1',
    userId: 'user_1',
    serverId: 'srv_1',
    connectorId: 'github',
    actionId: 'issues_create',
    parameters: { title: 'hello' },
    credentialId: 'cred_pending',
    awaitCredential: { credentialId: 'cred_pending', attemptId: 'attempt_1', timeoutSeconds },
  };
}

/** The credential as watchCredential finds it, and every attempt the run makes. */
function credentialActivities(status: Awaited<ReturnType<Activities['watchCredential']>>) {
  const watched: Array<Parameters<Activities['watchCredential']>[0]> = [];
  const attempts: AttemptInput[] = [];
  const activities = {
    watchCredential: async (input) => {
      watched.push(input);
      return status;
    },
    attemptConnectorAction: async (input) => {
      attempts.push(input);
      return { kind: 'succeeded', result: { status: 201, credentialId: input.action.credentialId, data: { number: 7 } } };
    },
  } satisfies Pick<Activities, 'watchCredential' | 'attemptConnectorAction'>;
  return { watched, attempts, activities };
}

async function startWaiting(taskQueue: string, timeoutSeconds: number) {
  return env.client.workflow.start<ExecuteActionWorkflow>(workflowTypes.executeAction, {
    workflowId: `workflow-test/credential-wait/${randomUUID()}`,
    taskQueue,
    args: [waitingAction(timeoutSeconds)],
  });
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => expect.fail('the run succeeded'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('waiting for a credential', () => {
  it('gives up after the link expires with CREDENTIAL_NOT_FOUND, and never calls the connector', async () => {
    const { watched, attempts, activities } = credentialActivities('waiting');
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startWaiting(taskQueue, 1);
      const failure = await failureOf(handle.result());
      expect(failure.type).toBe('CREDENTIAL_NOT_FOUND');
      expect(failure.message).toBe('Credential "cred_pending" for "github" was not authorized: the authorization link expired');
      expect(failure.details).toEqual([{ connectorId: 'github', credentialId: 'cred_pending' }]);

      const [deadline, ...others] = eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED);
      expect(others).toEqual([]);
      expect(timerMs(deadline!)).toBe(1000);
      // The run registered itself as a waiter, under its own workflow id, before it waited.
      expect(watched).toEqual([{ credentialId: 'cred_pending', attemptId: 'attempt_1', timeoutSeconds: 1, workflowId: handle.workflowId }]);
    });
    expect(attempts).toEqual([]);
  });

  it('resumes when the credential arrives and calls the connector with it', async () => {
    const { attempts, activities } = credentialActivities('waiting');
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startWaiting(taskQueue, 600);
      await expect.poll(async () => eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED).length, polling).toBe(1);
      expect(attempts).toEqual([]);
      await handle.signal(credentialSettledSignal, { status: 'active' });
      expect(await handle.result()).toEqual({ status: 201, credentialId: 'cred_pending', data: { number: 7 } });
      expect(eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_CANCELED)).toHaveLength(1);
    });
    expect(attempts.map((input) => input.action.credentialId)).toEqual(['cred_pending']);
  });

  it('fails with the reason when the authorization ends without a credential', async () => {
    const { attempts, activities } = credentialActivities('waiting');
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startWaiting(taskQueue, 600);
      await handle.signal(credentialSettledSignal, { status: 'failed', reason: 'access_denied' });
      const failure = await failureOf(handle.result());
      expect(failure.type).toBe('CREDENTIAL_NOT_FOUND');
      expect(failure.message).toMatch(/was not authorized: access_denied$/);
    });
    expect(attempts).toEqual([]);
  });

  it('does not wait for a credential that became active before the run looked', async () => {
    const { attempts, activities } = credentialActivities('active');
    await env.withActivities(activities, async (taskQueue) => {
      const handle = await startWaiting(taskQueue, 600);
      expect(await handle.result()).toMatchObject({ status: 201 });
      expect(eventsOf(await historyOf(handle), EventType.EVENT_TYPE_TIMER_STARTED)).toEqual([]);
    });
    expect(attempts).toHaveLength(1);
  });

  it('fails at once when the credential is no longer pending', async () => {
    const { attempts, activities } = credentialActivities('unusable');
    await env.withActivities(activities, async (taskQueue) => {
      const failure = await failureOf((await startWaiting(taskQueue, 600)).result());
      expect(failure.type).toBe('CREDENTIAL_NOT_FOUND');
      expect(failure.message).toMatch(/it is no longer pending$/);
    });
    expect(attempts).toEqual([]);
  });
});
