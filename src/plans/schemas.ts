import { z } from 'zod';
import { actionIdSchema, connectorIdSchema } from '../connectors/ids.js';

/**
 * A plan is data: ordered steps whose parameters are literals, references to an earlier step's
 * output, or values the user still has to give. discover_action_path produces it, execute_plan
 * and POST /api/runs run it, and the executePlan workflow resolves the references.
 */
const stepReferenceSchema = z
  .object({
    fromStep: z.number().int().min(1).describe('1-based number of an earlier step'),
    itemsPath: z.string().max(200).optional().describe('Dot path to a list in that step\'s result, e.g. "channels"'),
    where: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('Pick the first item whose fields equal these values (case-insensitive for strings)'),
    select: z.string().min(1).max(200).describe('Dot path of the value to take, e.g. "id"'),
  })
  .strict();
export type StepReference = z.infer<typeof stepReferenceSchema>;

const askSchema = z.object({ ask: z.string().min(1).max(500) }).strict();

const planValueSchema = z.union([
  z.object({ $ref: stepReferenceSchema }).strict(),
  z.object({ $ask: askSchema }).strict(),
  z.unknown(),
]);

/**
 * What undoes a step if a later one fails (e.g. delete the message a step posted). Its $ref
 * values may point at the step's own result: fromStep is that step's number.
 */
const compensationSchema = z
  .object({
    actionId: actionIdSchema,
    parameters: z.record(z.string(), planValueSchema).default({}),
  })
  .strict();

const planStepSchema = z
  .object({
    actionId: actionIdSchema,
    parameters: z.record(z.string(), planValueSchema).default({}),
    why: z.string().max(1000).optional(),
    compensation: compensationSchema.optional(),
  })
  .strict();
export type PlanStep = z.infer<typeof planStepSchema>;

export const planSchema = z
  .object({
    connectorId: connectorIdSchema,
    goal: z.string().max(500).optional(),
    steps: z.array(planStepSchema).min(1).max(10),
  })
  .strict();
export type Plan = z.infer<typeof planSchema>;

export const executePlanInput = z
  .object({
    plan: planSchema,
    inputs: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Values for the plan\'s $ask entries, keyed "<step>.<parameter>", e.g. {"2.text": "hello"}'),
    credentialId: z.string().max(100).optional(),
  })
  .strict();
export type ExecutePlanInput = z.infer<typeof executePlanInput>;

