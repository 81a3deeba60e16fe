import { z } from 'zod';
import { admitCall, runAction, startExecuteAction, type ActionResult, type ExecuteActionInput } from '../../../starters/executeAction.js';
import { credentialUseEntry, recordCredentialUse } from '../../audit.js';
import { planGoal } from '../../../plans/planner.js';
import { prepareActionRun } from '../../../runs/prepare.js';
import { completeElicitation, credentialForCall, type CredentialElicitation } from '../elicitation.js';
import { awaitRun } from '../tasks.js';
import { callerCapabilitiesOf } from '../callerRequests.js';
import { isRemoteMcpConnectorId } from '../../../remoteMcp/connector.js';
import { runHandle } from '../../../starters/runHandle.js';
import { approvalLink, noticeApproval } from '../approvalWait.js';
import { executeActionInput, type ExecuteActionToolInput } from '../../../runs/schemas.js';
import { discoverActionPathInput } from '../toolInputs.js';
import { defineTool, type ToolContext } from '../tool.js';
import { usableActions, usableConnector } from './catalog.js';
import { offerPlan } from './planProposal.js';
import { serverUseScope } from '../../../servers/scope.js';

/**
 * The run prepared as POST /api/runs prepares it (src/runs/prepare.ts): the same for a plain call
 * and a task. Only a valid call may then elicit a missing credential, and the run waits for it.
 */
async function actionInput(
  input: ExecuteActionToolInput,
  context: ToolContext,
): Promise<{ input: ExecuteActionInput; elicitation?: CredentialElicitation }> {
  const pinned = input.credentialId ?? context.auth.credentialId;
  const use = { connectorId: input.connectorId, actionIds: [input.actionId] };
  const {
    connector,
    input: prepared,
    newestCredentialId,
    recorded,
  } = await prepareActionRun(
    context.deps.db,
    await serverUseScope(context.deps, context.auth, context.server, context.assignments),
    { ...input, ...(pinned ? { credentialId: pinned } : {}) },
    // Written by the statement that reads the settings and credential, when it finds one to name.
    { recordUse: credentialUseEntry(context.auth, pinned ? { ...use, credentialId: pinned } : use) },
  );
  const { credentialId, elicitation } = await credentialForCall(context, connector, pinned, newestCredentialId);
  // Not yet written: an elicited credential, or one preparing did not look for (a custom connector).
  if (!recorded && (credentialId || newestCredentialId === undefined)) {
    await recordCredentialUse(context.deps, context.auth, { connectorId: connector.id, actionIds: [prepared.actionId], ...(credentialId ? { credentialId } : {}) });
  }
  if (!elicitation) return { input: prepared };
  return {
    input: { ...prepared, credentialId: elicitation.awaitCredential.credentialId, awaitCredential: elicitation.awaitCredential },
    elicitation,
  };
}

/** One action as a durable run, waited for: execute_action's, and each action tool's on a tools-mode server (../toolsMode.ts). */
export async function awaitActionRun(input: ExecuteActionToolInput, context: ToolContext): Promise<{ outcome: ActionResult; workflowId: string }> {
  // A remote MCP server may ask the caller during the call: it is told what the caller answers (../callerRequests.ts).
  const callerCapabilities = context.callerRequests && isRemoteMcpConnectorId(input.connectorId) ? callerCapabilitiesOf(context.client?.capabilities) : undefined;
  if (context.resumeRun) {
    const { workflowId } = context.resumeRun;
    const outcome = await awaitRun(context, { workflowId, result: runHandle(context.deps.temporal, workflowId).result() as Promise<ActionResult> }, true);
    return { outcome, workflowId };
  }
  // Admitted before it is prepared (src/starters/admission.ts): a busy server's calls prepare in turns.
  const admitted = await admitCall(context.deps.temporal, { accountId: context.auth.accountId, serverId: context.server.id });
  const prepared = await actionInput(input, context).catch((error: unknown) => {
    admitted.done();
    throw error;
  });
  const { elicitation } = prepared;
  // A 2026-07-28 remote server answers a first call's inputResponses itself (they may be all it needs).
  const callerRevision = isRemoteMcpConnectorId(input.connectorId) ? context.client?.protocolVersion : undefined;
  const workflowInput = {
    ...prepared.input,
    ...(callerCapabilities ? { callerCapabilities, ...(context.inputResponses ? { callerInputResponses: context.inputResponses } : {}) } : {}),
    ...(callerRevision ? { callerRevision } : {}),
  };
  const run = runAction(context.deps.temporal, workflowInput, admitted);
  const { workflowId } = run;
  if (elicitation) {
    await context.report?.log?.('notice', { workflowId, message: 'Waiting for the user to connect their account at the link sent' });
  }
  await noticeApproval(context, workflowInput, workflowId);
  const outcome = await awaitRun(context, run, callerCapabilities !== undefined);
  await completeElicitation(context, elicitation);
  return { outcome, workflowId };
}

/** A run's outcome as execute_action and a tools-mode action tool answer it. */
export function presentAction(outcome: ActionResult, workflowId: string) {
  return {
    result: outcome.data,
    status: outcome.status,
    workflowId,
    ...(outcome.credentialId ? { credentialId: outcome.credentialId } : {}),
    ...(outcome.notes ? { notes: outcome.notes } : {}),
  };
}

export const executeActionTool = defineTool({
  name: 'execute_action',
  title: 'Execute an action',
  description:
    'Runs one action on a platform (e.g. slack chat_postMessage) with the given parameters and returns its response. ' +
    'Runs durably: network errors, 5xx and rate limits are retried or waited out. Large lists come back shaped: ' +
    'more than 50 items returns guidance to narrow the query, 25–50 returns the first 25 with metadata. ' +
    'When the user has not connected the platform, a client supporting URL elicitation is sent the authorization ' +
    'link and the call completes once the user approves; other clients get CREDENTIAL_NOT_FOUND with an authorizationUrl to show the user.',
  input: executeActionInput,
  output: z.object({
    result: z.unknown(),
    status: z.number().describe("The platform's HTTP status"),
    workflowId: z.string().describe('The durable run, findable in the Temporal UI'),
    credentialId: z.string().optional(),
    notes: z.array(z.string()).optional(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(input, context) {
    const { outcome, workflowId } = await awaitActionRun(input, context);
    return presentAction(outcome, workflowId);
  },
  task: {
    async start(input, context) {
      const admitted = await admitCall(context.deps.temporal, { accountId: context.auth.accountId, serverId: context.server.id });
      const { input: prepared, elicitation } = await actionInput(input, context).catch((error: unknown) => {
        admitted.done();
        throw error;
      });
      const { workflowId } = await startExecuteAction(context.deps.temporal, prepared, admitted);
      const awaitsInput = elicitation?.taskInput ?? approvalLink(context.deps.publicUrl, prepared);
      return { workflowId, ...(awaitsInput ? { awaitsInput } : {}) };
    },
    present: (result, workflowId) => presentAction(result as ActionResult, workflowId),
  },
});

export const discoverActionPathTool = defineTool({
  name: 'discover_action_path',
  title: 'Plan the actions for a goal',
  description:
    'Turns a goal ("send a message to #general saying hi") into an ordered plan of actions on one connector, with each ' +
    "step's parameters: literal values, references to an earlier step's output (e.g. the channel id found by " +
    'conversations_list), or values still to ask the user ($ask). Deterministic and explained. If it cannot plan the ' +
    "goal it returns the closest actions and why. On protocol 2026-07-28 a client that declared sampling may have its own model " +
    'propose the plan (proposer), which is checked against the connector before it is offered (source says whose plan it is).',
  input: discoverActionPathInput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run({ connectorId, goal, proposer }, context) {
    const { connector, scope } = await usableConnector(context, connectorId);
    const plannable = { id: connector.id, actions: usableActions(scope, connector) };
    return offerPlan(plannable, goal, planGoal(plannable, goal), proposer, context);
  },
});
