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
