import { describe, expect, it } from 'vitest';
import type { ActionDefinition } from '../../../src/connectors/schema.js';
import { checkProposedPlan, proposalRequest } from '../../../src/plans/proposal.js';

const action = (id: string, method: ActionDefinition['method'], parameters: ActionDefinition['parameters']): ActionDefinition => ({
  id, resource: 'widgets', title: id, description: '', method, path: '/widgets', parameters, bodyEncoding: 'json', response: {}, idempotent: method === 'GET',
});
const widgets = {
  id: 'acme',
  actions: [
    action('createWidget', 'POST', [{ name: 'name', in: 'body', type: 'string', required: true }, { name: 'color', in: 'body', type: 'string', required: false, enum: ['red', 'blue'] }]),
    action('getWidget', 'GET', [{ name: 'widgetId', in: 'path', type: 'string', required: true }]),
    action('listWidgets', 'GET', [{ name: 'limit', in: 'query', type: 'integer', required: false }]),
  ],
};
const goal = 'create a blue widget named Foo, then fetch it';
const answer = (steps: unknown) => JSON.stringify({ steps });

describe('a plan the client\'s model proposes', () => {
  it('asks with the goal, the actions (ranked ones first) and the plan format', () => {
    const request = proposalRequest(widgets, goal, ['getWidget']);
    const text = request.messages[0]!.content.text;
    expect(text).toContain(`Goal: ${goal}`);
    expect(text.indexOf('- getWidget')).toBeLessThan(text.indexOf('- createWidget'));
    expect(text).toContain('name*: string');
    expect(text).toContain('color: string (red|blue)');
    expect(text).toContain('"$ref"');
    expect(request.maxTokens).toBeGreaterThan(0);
  });

  it('accepts a valid plan, bare or in a ``` block, with references and questions', () => {
    const steps = [
      { actionId: 'createWidget', parameters: { name: 'Foo', color: 'blue' }, why: 'make it' },
      { actionId: 'getWidget', parameters: { widgetId: { $ref: { fromStep: 1, select: 'id' } } } },
    ];
    const bare = checkProposedPlan(widgets, goal, answer(steps));
    expect(bare).toEqual({ ok: true, plan: { connectorId: 'acme', goal, steps } });
    expect(checkProposedPlan(widgets, goal, `Here it is:\n\`\`\`json\n${answer(steps)}\n\`\`\``)).toEqual(bare);
    expect(checkProposedPlan(widgets, goal, answer([{ actionId: 'createWidget', parameters: { name: { $ask: { ask: 'What should it be called?' } } } }])).ok).toBe(true);
  });

  it.each([
    ['not JSON', 'I would create a widget.', 'not JSON'],
    ['no steps', answer([]), 'steps'],
    ['an unknown action', answer([{ actionId: 'paintWidget', parameters: {} }]), '"paintWidget" is not an action of acme'],
    ['an unknown parameter', answer([{ actionId: 'listWidgets', parameters: { colour: 'red' } }]), 'has no parameter "colour"'],
    ['a missing required parameter', answer([{ actionId: 'createWidget', parameters: { color: 'red' } }]), 'createWidget needs "name"'],
    ['a value outside the enum', answer([{ actionId: 'createWidget', parameters: { name: 'Foo', color: 'green' } }]), '"color" must be one of red, blue'],
    ['a value of the wrong type', answer([{ actionId: 'listWidgets', parameters: { limit: 'five' } }]), '"limit" must be an integer'],
    ['a reference to a later step', answer([{ actionId: 'getWidget', parameters: { widgetId: { $ref: { fromStep: 2, select: 'id' } } } }, { actionId: 'listWidgets', parameters: {} }]), 'not an earlier step'],
    ['a field the plan format lacks', answer([{ actionId: 'listWidgets', parameters: {}, run: true }]), 'steps.0'],
  ])('refuses %s, saying why', (_case, text, problem) => {
    const checked = checkProposedPlan(widgets, goal, text);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? [] : checked.problems.join('\n')).toContain(problem);
  });
});
