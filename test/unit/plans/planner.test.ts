import { describe, expect, it } from 'vitest';
import { getCatalogConnector } from '../../../src/connectors/sources/catalog.js';
import { planGoal } from '../../../src/plans/planner.js';
import { resolveReference } from '../../../src/workflows/contracts/planReferences.js';
import { planSchema } from '../../../src/plans/schemas.js';

const slack = (await getCatalogConnector('slack'))!;
const github = (await getCatalogConnector('github'))!;

describe('discover_action_path planning on the real catalogue', () => {
  it('plans "send a message to #general" as conversations_list then chat_postMessage', () => {
    const outcome = planGoal(slack, 'send a message to #general saying "Deploy finished"');
    expect(outcome.status).toBe('planned');
    if (outcome.status !== 'planned') return;
    expect(planSchema.parse(outcome.plan)).toBeTruthy();
    expect(outcome.plan.steps.map((step) => step.actionId)).toEqual(['conversations_list', 'chat_postMessage']);
    expect(outcome.plan.steps[1]!.parameters).toEqual({
      channel: { $ref: { fromStep: 1, itemsPath: 'channels', where: { name: 'general' }, select: 'id' } },
      text: 'Deploy finished',
    });
    expect(outcome.explanation).toContain('chat_postMessage');
    expect(outcome.missingInputs).toEqual([]);
  });

  it('asks for what the goal does not say', () => {
    const outcome = planGoal(slack, 'post a message in #random');
    if (outcome.status !== 'planned') throw new Error('expected a plan');
    expect(outcome.plan.steps.at(-1)!.actionId).toBe('chat_postMessage');
    expect(outcome.missingInputs.map((input) => input.key)).toContain('2.text');
  });

  it('fills owner and repo from "owner/repo" for a GitHub issue', () => {
    const outcome = planGoal(github, 'create an issue in octocat/hello-world titled "Crash on start"');
    if (outcome.status !== 'planned') throw new Error('expected a plan');
    expect(outcome.plan.steps).toHaveLength(1);
    expect(outcome.plan.steps[0]).toMatchObject({
      actionId: 'issues_create',
      parameters: { owner: 'octocat', repo: 'hello-world', title: 'Crash on start' },
    });
  });

  it('is deterministic', () => {
    expect(planGoal(slack, 'list users')).toEqual(planGoal(slack, 'list users'));
  });

  it('answers a goal it cannot plan with the closest actions and why', () => {
    const outcome = planGoal(slack, 'bake a sourdough loaf');
    expect(outcome.status).toBe('no_plan');
    if (outcome.status !== 'no_plan') return;
    expect(outcome.closest.length).toBeGreaterThan(0);
    expect(outcome.message).toContain('slack');
  });

  it('resolves step references against earlier results', () => {
    const results = [{ ok: true, channels: [{ id: 'C1', name: 'random' }, { id: 'C2', name: 'general' }] }];
    expect(resolveReference(results, { fromStep: 1, itemsPath: 'channels', where: { name: '#General' }, select: 'id' })).toBe('C2');
    expect(() => resolveReference(results, { fromStep: 1, itemsPath: 'channels', where: { name: 'nope' }, select: 'id' })).toThrow(/no item/);
  });
});
