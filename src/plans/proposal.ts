/**
 * A plan proposed by the client's model (MCP sampling): the request that asks for it, and the
 * check that decides whether it may be offered. The model only proposes; a proposal is offered
 * only when it is a valid plan (planSchema) whose every step names an action of the connector,
 * gives only that action's parameters, every required one (a value, a reference to an earlier
 * step, or a question for the user), and literal values of the right type.
 */
import type { ActionDefinition, ActionParameter } from '../connectors/schema.js';
import type { PlannableConnector } from './planner.js';
import { planSchema, type Plan } from './schemas.js';

/** Actions listed to the model at most: a prompt, not the whole catalogue entry. */
const MAX_LISTED_ACTIONS = 60;
const MAX_PROPOSAL_CHARS = 20_000;

/** sampling/createMessage's parameters (a plain object: this module knows no MCP SDK). */
export interface ProposalRequest {
  messages: Array<{ role: 'user'; content: { type: 'text'; text: string } }>;
  systemPrompt: string;
  maxTokens: number;
  temperature: number;
}

const parameterLine = (parameter: ActionParameter): string =>
  `${parameter.name}${parameter.required ? '*' : ''}: ${parameter.type}${parameter.enum ? ` (${parameter.enum.map(String).join('|')})` : ''}`;

const actionLine = (action: ActionDefinition): string =>
  `- ${action.id} (${action.method} ${action.path}): ${action.title}. Parameters: ${action.parameters.map(parameterLine).join(', ') || 'none'}`;

/**
 * What the model is asked: the goal, the connector's actions (the ones the rules ranked first,
 * when given, then the rest, up to MAX_LISTED_ACTIONS) and the plan format.
 */
export function proposalRequest(connector: PlannableConnector, goal: string, rankedFirst: readonly string[] = []): ProposalRequest {
  const byId = new Map(connector.actions.map((action) => [action.id, action]));
  const ordered = [...rankedFirst.flatMap((id) => byId.get(id) ?? []), ...connector.actions];
  const listed = [...new Set(ordered)].slice(0, MAX_LISTED_ACTIONS);
  const text = [
    `Goal: ${goal}`,
    '',
    `Actions of connector "${connector.id}" (* = required):`,
    ...listed.map(actionLine),
    '',
    'Answer with one JSON object and nothing else: {"steps": [{"actionId": "...", "parameters": {...}, "why": "..."}]}.',
    'A parameter value is a literal from the goal, {"$ref": {"fromStep": N, "itemsPath": "list.path", "where": {"field": "value"}, "select": "id"}}',
    'for a value from an earlier step\'s result, or {"$ask": {"ask": "a question for a person"}} when the goal does not give it.',
    'Use only the actions and parameters listed; never invent values.',
  ].join('\n');
  return {
    messages: [{ role: 'user', content: { type: 'text', text } }],
    systemPrompt: 'You turn a goal into a plan of API actions. You answer with JSON only.',
    maxTokens: 1500,
    temperature: 0,
  };
}

export type CheckedProposal = { ok: true; plan: Plan } | { ok: false; problems: string[] };

/** The JSON object in a model's answer (bare, or in a ``` block). */
function jsonOf(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1];
  const body = (fenced ?? text).trim();
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error('no JSON object in the answer');
  return JSON.parse(body.slice(start, end + 1));
}

/** Whether a literal value has the parameter's type (and is one of its enum values, if it has some). */
export function literalFits(parameter: ActionParameter, value: unknown): boolean {
  if (parameter.enum && parameter.type !== 'array' && !parameter.enum.includes(value)) return false;
  switch (parameter.type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}

const isMarker = (value: unknown, key: '$ref' | '$ask'): boolean => value !== null && typeof value === 'object' && key in value;

/** Whether the model's answer is a plan this connector can run, and if not, why not. */
export function checkProposedPlan(connector: PlannableConnector, goal: string, answer: string): CheckedProposal {
  if (answer.length > MAX_PROPOSAL_CHARS) return { ok: false, problems: [`the answer is over ${MAX_PROPOSAL_CHARS} characters`] };
  let raw: unknown;
  try {
    raw = jsonOf(answer);
  } catch (error) {
    return { ok: false, problems: [`the answer is not JSON: ${(error as Error).message}`] };
  }
  const parsed = planSchema.safeParse({ ...(raw as object), connectorId: connector.id, goal });
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'plan'}: ${issue.message}`) };
  const problems: string[] = [];
  parsed.data.steps.forEach((step, index) => {
    const where = `step ${index + 1}`;
    const action = connector.actions.find((candidate) => candidate.id === step.actionId);
    if (!action) return problems.push(`${where}: "${step.actionId}" is not an action of ${connector.id}`);
    for (const [name, value] of Object.entries(step.parameters)) {
      const parameter = action.parameters.find((candidate) => candidate.name === name);
      if (!parameter) problems.push(`${where}: ${action.id} has no parameter "${name}"`);
      else if (isMarker(value, '$ref')) {
        const fromStep = (value as { $ref: { fromStep: number } }).$ref.fromStep;
        if (fromStep > index) problems.push(`${where}: "${name}" refers to step ${fromStep}, which is not an earlier step`);
      } else if (!isMarker(value, '$ask') && !literalFits(parameter, value)) {
        problems.push(`${where}: "${name}" must be ${parameter.enum ? `one of ${parameter.enum.map(String).join(', ')}` : `${/^[aeiou]/.test(parameter.type) ? 'an' : 'a'} ${parameter.type}`}`);
      }
    }
    for (const parameter of action.parameters) {
      if (parameter.required && parameter.default === undefined && !(parameter.name in step.parameters)) {
        problems.push(`${where}: ${action.id} needs "${parameter.name}"`);
      }
    }
    return undefined;
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, plan: parsed.data };
}
