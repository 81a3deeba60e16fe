import { z } from 'zod';
import { actionIdSchema, connectorIdSchema } from '../connectors/ids.js';
import { ACTION_ID_PATTERN } from '../connectors/schema.js';
import { executePlanInput } from '../plans/schemas.js';

/** execute_action's input: the MCP tool and POST /api/runs (kind "action") both take it. */
export const executeActionInput = z
  .object({
    connectorId: connectorIdSchema,
    actionId: actionIdSchema,
    parameters: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Input values by parameter name, as listed by get_action_details'),
    credentialId: z
      .string()
      .max(100)
      .optional()
      .describe('Which credential to use when the user has several (else the x-credential-id header, else the newest)'),
  })
  .strict();
export type ExecuteActionToolInput = z.infer<typeof executeActionInput>;


/**
 * POST /api/runs: an action or a plan, as execute_action / execute_plan take them, started
 * without waiting. serverId applies that server's restrictions and labels the run; without it
 * the run is labelled "api".
 */
const serverIdField = { serverId: z.string().min(1).max(100).optional() };
export const startRunInput = z.discriminatedUnion('kind', [
  executeActionInput.extend({ kind: z.literal('action'), ...serverIdField }),
  executePlanInput.extend({ kind: z.literal('plan'), ...serverIdField }),
]);
export type StartRunInput = z.infer<typeof startRunInput>;

export const runStatuses = ['running', 'succeeded', 'failed', 'cancelled', 'terminated', 'timed_out'] as const;
export type RunStatus = (typeof runStatuses)[number];

export const listRunsQuery = z
  .object({
    connectorId: connectorIdSchema.optional(),
    actionId: z.string().regex(ACTION_ID_PATTERN, 'is not an action id').optional(),
    serverId: z.string().min(1).max(200).optional().describe('"api" for runs started over REST without a server'),
    userId: z.string().min(1).max(200).optional().describe('API-key callers only; user-token callers always see their own'),
    kind: z.enum(['action', 'plan']).optional(),
    status: z.enum(runStatuses).optional(),
    startedAfter: z.iso.datetime({ offset: true }).optional(),
    startedBefore: z.iso.datetime({ offset: true }).optional(),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
    pageToken: z.string().max(2000).optional(),
  })
  .strict();
export type ListRunsQuery = z.infer<typeof listRunsQuery>;

export const runSummary = z.object({
  runId: z.string(),
  workflowId: z.string(),
  kind: z.enum(['action', 'plan']),
  status: z.enum(runStatuses),
  connectorId: z.string().optional(),
  actionId: z.string().optional(),
  serverId: z.string().optional(),
  userId: z.string().optional(),
  startedAt: z.string(),
  closedAt: z.string().optional(),
});
export type RunSummary = z.infer<typeof runSummary>;

const runTimelineEntry = z.object({
  kind: z.enum(['attempt', 'wait']),
  at: z.string().optional(),
  summary: z.string().describe('"attempt 2: slack conversations_list", or why the run waited: "retry 2/6 in 1 s (backoff): 500 from slack"'),
  outcome: z
    .enum(['succeeded', 'throttled', 'retry', 'failed', 'slow', 'handedOff'])
    .optional()
    .describe('slow: moved to the slow lane before sending; handedOff: still in flight after the fast budget, collected by the next entry'),
  lane: z.enum(['fast', 'slow']).optional().describe('fast: inside the workflow task (local activity); slow: the slow task queue, or a hand-off'),
  status: z.number().optional().describe("The upstream's HTTP status, when it answered"),
  code: z.string().optional(),
  reason: z.string().optional(),
  waitMs: z.number().optional().describe("The wait's timer: the throttle slot's or retry's delay, or how long a queued run waits before it claims again"),
  waitedMs: z.number().optional().describe('How long the run actually waited, once the wait is over (a queued run is woken when its account has room)'),
});
export type RunTimelineEntry = z.infer<typeof runTimelineEntry>;

export const runDetails = runSummary.extend({
  input: z.unknown().optional(),
  admission: z
    .object({
      queue: z.literal('busy'),
      reason: z.string().describe('"its server has 16 calls open"'),
      waitedMs: z.number().describe("How long its start waited for its account's turn (BUSY_ACCOUNT_STARTS_AT_ONCE) before the run existed"),
    })
    .optional()
    .describe('Set when the front door started the run on the busy task queue (docs/fair-execution.md#admission)'),
  timeline: z.array(runTimelineEntry).optional().describe("Each connector attempt and each durable wait, from the run's history"),
  steps: z.array(z.unknown()).optional(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }).optional(),
});
