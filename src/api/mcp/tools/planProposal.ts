import { missingInputsOf, type PlannableConnector, type PlanOutcome } from '../../../plans/planner.js';
import { checkProposedPlan, proposalRequest } from '../../../plans/proposal.js';
import { SamplingInputRequired, type ToolContext } from '../tool.js';

type Proposer = 'auto' | 'rules' | 'client-model';

/** What became of asking the client's model, beside the plan offered. */
type ProposalNote =
  | { status: 'accepted' }
  | { status: 'rejected'; problems: string[] }
  | { status: 'unavailable'; reason: string };

export type OfferedPlan = PlanOutcome & { source: 'rules' | 'client-model'; proposal?: ProposalNote };

const UNAVAILABLE =
  "The client's model was not asked: that takes MCP sampling on protocol 2026-07-28 (a stateless 2025-era call cannot wait for the client's answer); this plan is from the rules";

/**
 * discover_action_path's plan: the rules' (planGoal), or one the client's model proposes through
 * sampling when asked for (`client-model`) or when the rules find none (`auto`). The first call
 * asks the model (SamplingInputRequired); the client's retry brings its answer, which is offered
 * only when checkProposedPlan accepts it, else the rules' outcome stands with the problems found.
 */
export function offerPlan(connector: PlannableConnector, goal: string, rules: PlanOutcome, proposer: Proposer, context: ToolContext): OfferedPlan {
  const fromRules: OfferedPlan = { ...rules, source: 'rules' };
  const wanted = proposer === 'client-model' || (proposer === 'auto' && rules.status === 'no_plan');
  if (!wanted) return fromRules;
  const sampling = context.client?.capabilities.sampling ? context.sampling : undefined;
  if (!sampling) return proposer === 'client-model' ? { ...fromRules, proposal: { status: 'unavailable', reason: UNAVAILABLE } } : fromRules;
  if (sampling.answer === undefined) {
    const ranked = rules.status === 'planned' ? [...rules.plan.steps.map((step) => step.actionId), ...rules.alternatives.map((c) => c.actionId)] : rules.closest.map((c) => c.actionId);
    throw new SamplingInputRequired(proposalRequest(connector, goal, ranked));
  }
  const checked = checkProposedPlan(connector, goal, sampling.answer);
  if (!checked.ok) return { ...fromRules, proposal: { status: 'rejected', problems: checked.problems } };
  return {
    status: 'planned',
    source: 'client-model',
    plan: checked.plan,
    explanation: checked.plan.steps.map((step, index) => `Step ${index + 1}: ${step.actionId}${step.why ? ` — ${step.why}` : ''}`).join('\n'),
    missingInputs: missingInputsOf(checked.plan.steps),
    alternatives: [],
    proposal: { status: 'accepted' },
  };
}
