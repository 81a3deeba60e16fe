/** Small builders for hand-written connector definitions (files starting with `_` are not connectors). */
import type { ActionDefinitionInput, ActionParameter } from '../../../src/connectors/schema.js';

type ParamType = ActionParameter['type'];

export function pathParam(name: string, description?: string): ActionParameter {
  return { name, in: 'path', type: 'string', required: true, ...(description ? { description } : {}) };
}
export function query(name: string, type: ParamType, description?: string, required = false): ActionParameter {
  return { name, in: 'query', type, required, ...(description ? { description } : {}) };
}
export function body(
  name: string,
  type: ParamType,
  description?: string,
  required = false,
  extra: Partial<ActionParameter> = {},
): ActionParameter {
  return { name, in: 'body', type, required, ...(description ? { description } : {}), ...extra };
}

type Method = ActionDefinitionInput['method'];

export function action(
  id: string,
  resource: string,
  method: Method,
  path: string,
  title: string,
  parameters: ActionParameter[],
  rest: Partial<ActionDefinitionInput> = {},
): ActionDefinitionInput {
  return {
    id,
    resource,
    title,
    description: rest.description ?? `${title}.`,
    method,
    path,
    parameters,
    bodyEncoding: 'json',
    response: {},
    ...(method === 'DELETE' ? { destructive: true } : {}),
    ...rest,
  };
}

/**
 * One GraphQL operation as an action: POST <path> with the fixed document as the default `query`
 * and the operation's `variables`, so an agent calls "create an issue", not "write GraphQL".
 */
export function graphql(
  id: string,
  resource: string,
  title: string,
  document: string,
  variables: { description: string; required: boolean; schema?: Record<string, unknown> } | undefined,
  rest: Partial<ActionDefinitionInput> & { path?: string } = {},
): ActionDefinitionInput {
  const { path = '/graphql', ...others } = rest;
  const parameters: ActionParameter[] = [
    body('query', 'string', 'The GraphQL document; leave unset to send this action\'s own.', false, { default: document.replace(/\s+/g, ' ').trim() }),
  ];
  if (variables) parameters.push(body('variables', 'object', variables.description, variables.required, variables.schema ? { schema: variables.schema } : {}));
  return action(id, resource, 'POST', path, title, parameters, { idempotent: !document.trim().startsWith('mutation'), ...others });
}
