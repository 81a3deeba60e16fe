import { z } from 'zod';
import { InvalidRequestError } from '../errors.js';
import type { Connector } from './types.js';
import type { ActionDefinition, ActionParameter } from './schema.js';
import { validateToolArguments } from '../remoteMcp/toolArguments.js';

function valueSchema(parameter: ActionParameter): z.ZodType {
  let schema: z.ZodType;
  switch (parameter.type) {
    case 'string':
      schema = z.string();
      break;
    case 'number':
      schema = z.number();
      break;
    case 'integer':
      schema = z.number().int();
      break;
    case 'boolean':
      schema = z.boolean();
      break;
    case 'array':
      schema = z.array(z.unknown());
      break;
    case 'object':
      schema = z.record(z.string(), z.unknown());
      break;
  }
  const allowed = parameter.enum;
  if (allowed && allowed.length > 0 && parameter.type !== 'array' && parameter.type !== 'object') {
    schema = schema.refine((value) => allowed.includes(value), {
      message: `must be one of: ${allowed.map((value) => JSON.stringify(value)).join(', ')}`,
    });
  }
  if (parameter.in === 'path') {
    schema = schema.refine((value) => !DOT_SEGMENTS.has(String(value)), { message: DOT_SEGMENT_MESSAGE });
  }
  if (parameter.required) return schema;
  return parameter.default === undefined ? schema.optional() : schema.default(parameter.default);
}

/** URLs resolve "." and ".." even percent-encoded: as a path value either would leave its segment. */
export const DOT_SEGMENTS = new Set(['.', '..']);
export const DOT_SEGMENT_MESSAGE = 'a path parameter cannot be "." or ".." (it would step out of its path segment)';

/**
 * Built once per action definition (catalogue definitions are immutable and kept for the
 * process's life): building one, and zod compiling it on its first parse, cost more than the
 * parse itself on every call.
 */
const schemasByAction = new WeakMap<Pick<ActionDefinition, 'parameters'>, ReturnType<typeof buildParametersSchema>>();

/**
 * The zod schema of an action's parameters, built from its definition. Strict: a misspelt
 * parameter name is an error naming it, not a silently ignored value.
 */
export function actionParametersSchema(action: Pick<ActionDefinition, 'parameters'>, deferred: ReadonlySet<string> = new Set()) {
  if (deferred.size > 0) return buildParametersSchema(action, deferred);
  let schema = schemasByAction.get(action);
  if (!schema) {
    schema = buildParametersSchema(action, deferred);
    schemasByAction.set(action, schema);
  }
  return schema;
}

function buildParametersSchema(action: Pick<ActionDefinition, 'parameters'>, deferred: ReadonlySet<string>) {
  return z.strictObject(
    Object.fromEntries(action.parameters.map((parameter) => [parameter.name, deferred.has(parameter.name) ? z.unknown() : valueSchema(parameter)])),
  );
}

/**
 * Checks parameters against the action's definition; INVALID_REQUEST lists every problem at once.
 * `deferred` names parameters whose value is not known yet (a plan step's reference to an earlier
 * step's output): only their names are checked now, their values when the step runs.
 */
export function validateActionParameters(
  connectorId: string,
  action: Pick<ActionDefinition, 'id' | 'parameters'>,
  parameters: Record<string, unknown>,
  deferred?: ReadonlySet<string>,
): Record<string, unknown> {
  const parsed = actionParametersSchema(action, deferred).safeParse(parameters);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ parameter: key, message: 'unknown parameter' }));
    }
    const name = issue.path.map(String).join('.') || '(parameters)';
    const missing = issue.code === 'invalid_type' && parameters[String(issue.path[0])] === undefined;
    return [{ parameter: name, message: missing ? 'required parameter is missing' : issue.message }];
  });
  throw new InvalidRequestError(
    `Invalid parameters for ${connectorId}/${action.id}: ${issues.map((issue) => `${issue.parameter} (${issue.message})`).join('; ')}`,
    { connectorId, actionId: action.id, issues },
  );
}

/**
 * The one check of a call's parameters, made by the front doors before a run starts and by the
 * attempt before it sends: a remote MCP tool's against its own JSON Schema, any other action's
 * against its parameter list (defaults filled in). Returns the parameters to send.
 */
export function validateCallParameters(
  connector: Connector,
  action: Pick<ActionDefinition, 'id' | 'parameters'>,
  parameters: Record<string, unknown>,
  deferred: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  if (connector.origin !== 'remote-mcp') return validateActionParameters(connector.id, action, parameters, deferred);
  // A tool's schema judges the arguments as a whole: with a value still unknown, the attempt judges them.
  return deferred.size > 0 ? parameters : validateToolArguments(connector, action, parameters);
}
