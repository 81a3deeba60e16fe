import { z } from 'zod';
import { runPreparedPlan } from '../../../starters/executePlan.js';
import { executePlanInput } from '../../../plans/schemas.js';
import { recordCredentialUse } from '../../audit.js';
import { preparePlanRun } from '../../../runs/prepare.js';
import { serverUseScope } from '../../../servers/scope.js';
import { defineTool } from '../tool.js';

const stepRecord = z.object({
  step: z.number(),
  actionId: z.string(),
  status: z.string(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  compensation: z.unknown().optional(),
});

export const executePlanTool = defineTool({
  name: 'execute_plan',
  title: 'Run a plan',
  description:
    'Runs a plan from discover_action_path: its steps in order, each like execute_action (durable, retried, rate limited), ' +
    "feeding earlier steps' results into later ones ($ref). Give the values the plan asks for ($ask) in inputs, keyed " +
    '"<step>.<parameter>". Stops at the first failing step, undoes finished steps that define a compensation, and ' +
    'reports every step either way.',
  input: executePlanInput,
  output: z.object({
    status: z.string(),
    connectorId: z.string(),
    steps: z.array(stepRecord),
    workflowId: z.string().describe('The durable run, findable in the Temporal UI'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(input, context) {
    const credentialId = input.credentialId ?? context.auth.credentialId;
    const { connector, input: prepared } = await preparePlanRun(context.deps.db, await serverUseScope(context.deps, context.auth, context.server, context.assignments), {
      ...input,
      ...(credentialId ? { credentialId } : {}),
    });
    await recordCredentialUse(context.deps, context.auth, {
      connectorId: connector.id,
      actionIds: input.plan.steps.map((step) => step.actionId),
      ...(credentialId ? { credentialId } : {}),
    });
    const outcome = await runPreparedPlan(context.deps.temporal, prepared);
    return { status: outcome.status, connectorId: outcome.connectorId, steps: outcome.steps, workflowId: outcome.workflowId };
  },
});
