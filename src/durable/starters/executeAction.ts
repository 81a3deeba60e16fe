import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MAX_RUN_INPUT_BYTES, type ActionResult, type ExecuteActionInput } from '../contracts.js';
import { validateActionParameters } from '../../connectors/parameters.js';
import { findAction, resolveConnector, type Connector } from '../../connectors/registry.js';
import type { Db } from '../../db/connect.js';
import { validateToolArguments } from '../../upstream/remoteToolArguments.js';
import { ForbiddenError, InvalidRequestError, isErrorCode, isTemporalUnavailable, ServiceUnavailableError, SwitchboardError, type ErrorDetails } from '../../errors.js';
import type { TemporalHandle } from './temporal.js';
import { searchAttributes } from '../contracts.js';
import { workflowTypes, type ExecuteActionWorkflow } from '../contracts.js';

export type { ActionResult, ExecuteActionInput } from '../contracts.js';

export interface ExecuteActionOutcome extends ActionResult {
  /** The run in the Temporal UI: execute-action/<serverId>/<uuid>. */
  workflowId: string;
}

/** Options of an executeAction run; POST /api/runs passes a workflow id derived from its Idempotency-Key. */
export function actionWorkflowOptions(
  temporal: TemporalHandle,
  input: ExecuteActionInput,
  workflowId = `execute-action/${input.serverId}/${randomUUID()}`,
) {
  return {
    workflowId,
    taskQueue: temporal.taskQueue,
    args: [input] as [ExecuteActionInput],
    // With the worker in this process, the server hands the first task straight back: one round trip.
    requestEagerStart: true,
    typedSearchAttributes: [
      { key: searchAttributes.accountId, value: input.accountId },
      { key: searchAttributes.serverId, value: input.serverId },
      { key: searchAttributes.userId, value: input.userId },
      { key: searchAttributes.connectorId, value: input.connectorId },
      { key: searchAttributes.actionId, value: input.actionId },
      { key: searchAttributes.runKind, value: 'action' },
    ],
    // What was asked, for people reading the run; inputs carry ids, never secrets.
    memo: {
      connectorId: input.connectorId,
      actionId: input.actionId,
      parameters: input.parameters,
      ...(input.credentialId ? { credentialId: input.credentialId } : {}),
    },
  };
}

/**
 * Checks the connector, action and parameters before anything starts, so a bad call costs no
 * workflow and the caller hears every problem at once. Returns the parameters as validated.
 */
export async function prepareExecuteAction(
  db: Db,
  input: ExecuteActionInput,
  /** The caller's already-resolved connector, to spare a second lookup on the hot path. */
  resolved?: Connector,
): Promise<ExecuteActionInput> {
  const connector = resolved ?? (await resolveConnector(db, input.accountId, input.connectorId));
  if (!connector.settings.enabled) {
    throw new ForbiddenError(`Connector "${connector.id}" is disabled for this account`, { connectorId: connector.id });
  }
  const action = findAction(connector, input.actionId);
  const parameters =
    connector.origin === 'remote-mcp'
      ? validateToolArguments(connector, action, input.parameters)
      : validateActionParameters(connector.id, action, input.parameters);
  return checkRunInputSize({ ...input, parameters });
}

/**
 * A run's input travels through Temporal as one payload (and its parameters again in the memo):
 * refuse what would not fit before anything starts, naming the limit, instead of failing later.
 */
export function checkRunInputSize<T>(input: T): T {
  const bytes = Buffer.byteLength(JSON.stringify(input));
  if (bytes > MAX_RUN_INPUT_BYTES) {
    const kb = (n: number) => `${Math.ceil(n / 1024)} KB`;
    throw new InvalidRequestError(
      `The input is too large to run: ${kb(bytes)} as JSON, over the limit of ${kb(MAX_RUN_INPUT_BYTES)} for parameters and inputs (a run's input is one Temporal payload)`,
      { sizeBytes: bytes, limitBytes: MAX_RUN_INPUT_BYTES },
    );
  }
  return input;
}

/** Starts the workflow without waiting for it (input already prepared). */
export async function startExecuteAction(
  temporal: TemporalHandle,
  input: ExecuteActionInput,
): Promise<WorkflowHandle<ExecuteActionWorkflow>> {
  return temporal.client.workflow.start<ExecuteActionWorkflow>(workflowTypes.executeAction, actionWorkflowOptions(temporal, input));
}

/** Maps a failed run to our coded error, as the activity raised it. */
export function errorFromWorkflowFailure(error: unknown): SwitchboardError {
  if (error instanceof WorkflowFailedError) {
    const cause = error.cause;
    if (cause instanceof ApplicationFailure && isErrorCode(cause.type)) {
      return new SwitchboardError(cause.type, cause.message, (cause.details?.[0] ?? {}) as ErrorDetails);
    }
  }
  if (error instanceof SwitchboardError) return error;
  if (isTemporalUnavailable(error)) return new ServiceUnavailableError('The workflow service is unavailable; try again shortly');
  return new SwitchboardError('INTERNAL_ERROR', 'The action failed unexpectedly');
}

/**
 * execute_action: validate, run the workflow and wait for its shaped result. The MCP tool and any
 * REST route call this; failures come back as SwitchboardErrors with the activity's code.
 */
export async function runExecuteAction(
  deps: { db: Db; temporal: TemporalHandle },
  input: ExecuteActionInput,
): Promise<ExecuteActionOutcome> {
  return runPreparedAction(deps.temporal, await prepareExecuteAction(deps.db, input));
}

/** Runs an input prepareExecuteAction has already checked, and waits for its result. */
export async function runPreparedAction(temporal: TemporalHandle, prepared: ExecuteActionInput): Promise<ExecuteActionOutcome> {
  const options = actionWorkflowOptions(temporal, prepared);
  try {
    const result = await temporal.client.workflow.execute<ExecuteActionWorkflow>(workflowTypes.executeAction, options);
    return { workflowId: options.workflowId, ...result };
  } catch (error) {
    throw errorFromWorkflowFailure(error);
  }
}
