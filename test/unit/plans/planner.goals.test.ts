import { describe, expect, it } from 'vitest';
import type { ActionDefinition } from '../../../src/connectors/schema.js';
import { getCatalogConnector } from '../../../src/connectors/sources/catalog.js';
import { planGoal, splitGoal, type PlannableConnector } from '../../../src/plans/planner.js';
import { planSchema } from '../../../src/plans/schemas.js';

const action = (id: string, method: ActionDefinition['method'], path: string, parameters: ActionDefinition['parameters'], extra: Partial<ActionDefinition> = {}): ActionDefinition => ({
  id, resource: 'widgets', title: id, description: id, method, path, parameters, bodyEncoding: 'json', response: {}, idempotent: method !== 'POST', ...extra,
});
const colour = { name: 'color', type: 'string' as const, required: false, enum: ['red', 'green', 'blue'] };
/** A custom connector as an account would add it: widgets with colours and statuses. */
const widgets: PlannableConnector = {
  id: 'acme',
  actions: [
    action('createWidget', 'POST', '/widgets', [{ name: 'name', in: 'body', type: 'string', required: true }, { ...colour, in: 'body' }, { name: 'size', in: 'body', type: 'integer', required: false }]),
    action('getWidget', 'GET', '/widgets/{widgetId}', [{ name: 'widgetId', in: 'path', type: 'string', required: true }]),
    action('listWidgets', 'GET', '/widgets', [{ ...colour, in: 'query' }, { name: 'status', in: 'query', type: 'string', required: false, enum: ['active', 'archived'] }, { name: 'limit', in: 'query', type: 'integer', required: false }], {
      response: { itemsPath: 'widgets', itemFields: ['id', 'name'] },
    }),
    action('updateWidget', 'PATCH', '/widgets/{widgetId}', [{ name: 'widgetId', in: 'path', type: 'string', required: true }, { ...colour, in: 'body' }, { name: 'name', in: 'body', type: 'string', required: false }]),
    action('deleteWidget', 'DELETE', '/widgets/{widgetId}', [{ name: 'widgetId', in: 'path', type: 'string', required: true }]),
    action('inviteMember', 'POST', '/members', [{ name: 'email', in: 'body', type: 'string', required: true }]),
  ],
};
const slack = (await getCatalogConnector('slack'))!;
const bamboohr = (await getCatalogConnector('bamboohr'))!;
const webflow = (await getCatalogConnector('webflow'))!;

/** [connector, goal, expected steps as [actionId, parameters]] */
const table: Array<[PlannableConnector, string, Array<[string, Record<string, unknown>]>]> = [
  [widgets, 'create a widget named Foo in blue, then fetch it', [['createWidget', { name: 'Foo', color: 'blue' }], ['getWidget', { widgetId: { $ref: { fromStep: 1, select: 'id' } } }]]],
  [widgets, 'list the red widgets', [['listWidgets', { color: 'red' }]]],
  [widgets, 'list 5 archived widgets', [['listWidgets', { status: 'archived', limit: 5 }]]],
  [widgets, 'show active green widgets', [['listWidgets', { color: 'green', status: 'active' }]]],
  [widgets, 'delete widget id 42', [['deleteWidget', { widgetId: '42' }]]],
  [widgets, 'get widget id w-77', [['getWidget', { widgetId: 'w-77' }]]],
  [widgets, 'create a widget called "Big one" of size 3', [['createWidget', { name: 'Big one', size: 3 }]]],
  [widgets, 'make a widget named Bar, then delete it', [['createWidget', { name: 'Bar' }], ['deleteWidget', { widgetId: { $ref: { fromStep: 1, select: 'id' } } }]]],
  [widgets, 'invite ada@example.com', [['inviteMember', { email: 'ada@example.com' }]]],
  [widgets, 'create a red widget', [['createWidget', { color: 'red', name: { $ask: { ask: 'What should the widget be called?' } } }]]],
  [widgets, 'create a widget named Qux; list the blue widgets', [['createWidget', { name: 'Qux' }], ['listWidgets', { color: 'blue' }]]],
  [slack, 'send a message to #general saying "Deploy finished"', [['conversations_list', {}], ['chat_postMessage', { channel: { $ref: { fromStep: 1, itemsPath: 'channels', where: { name: 'general' }, select: 'id' } }, text: 'Deploy finished' }]]],
  [slack, 'post a message in #random', [['conversations_list', {}], ['chat_postMessage', { channel: { $ref: { fromStep: 1, itemsPath: 'channels', where: { name: 'random' }, select: 'id' } }, text: { $ask: { ask: 'What should the message say?' } } }]]],
  [slack, 'list users', [['users_list', {}]]],
  [widgets, 'list widgets', [['listWidgets', {}]]],
  [widgets, 'list blue widgets', [['listWidgets', { color: 'blue' }]]],
  [widgets, 'delete widget id 9', [['deleteWidget', { widgetId: '9' }]]],
  [widgets, 'get widget id abc1', [['getWidget', { widgetId: 'abc1' }]]],
  [widgets, 'create a widget named Zed', [['createWidget', { name: 'Zed' }]]],
  [slack, 'list channels and then list users', [['conversations_list', {}], ['users_list', {}]]],
  // The search index's fuzzy terms find the action a misspelt word names (the rules alone picked time_off_types_list).
  [bamboohr, 'list time-off requets', [['time_off_requests_list', {}]]],
  [bamboohr, 'who is out', [['whos_out', {}]]],
  [webflow, 'publish the site', [['sites_list', {}], ['site_publish', { site_id: { $ref: { fromStep: 1, itemsPath: 'sites', select: 'id' } } }]]],
];

describe('discover_action_path: goals become plans that carry their values', () => {
  it('splits a goal into its parts, never inside quotes', () => {
    expect(splitGoal('create a widget named Foo in blue, then fetch it')).toEqual(['create a widget named Foo in blue', 'fetch it']);
    expect(splitGoal('send "this, then that" to #ops and then list users')).toEqual(['send "this, then that" to #ops', 'list users']);
  });

  it.each(table.map(([connector, goal, expected]) => ({ connector, goal, expected })))('$goal', ({ connector, goal, expected }) => {
    const outcome = planGoal(connector, goal);
    if (outcome.status !== 'planned') throw new Error(outcome.message);
    expect(planSchema.parse(outcome.plan)).toBeTruthy();
    const steps = outcome.plan.steps.map((step): [string, Record<string, unknown>] => [step.actionId, step.parameters]);
    expect(steps.map(([id]) => id)).toEqual(expected.map(([id]) => id));
    expected.forEach(([, parameters], index) => expect(steps[index]![1]).toMatchObject(parameters));
  });

  it('asks only for what is missing, in words for a person', () => {
    const outcome = planGoal(widgets, 'create a red widget');
    if (outcome.status !== 'planned') throw new Error('expected a plan');
    expect(outcome.missingInputs).toEqual([{ key: '1.name', ask: 'What should the widget be called?' }]);
  });
});
