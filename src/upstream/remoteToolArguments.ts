import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType } from '@modelcontextprotocol/sdk/validation/types.js';
import type { Connector } from '../connectors/types.js';
import type { ActionDefinition } from '../connectors/schema.js';
import { InvalidRequestError } from '../errors.js';

type ArgumentCheck = ReturnType<AjvJsonSchemaValidator['getValidator']>;

/** Distinct tool schemas kept compiled; past this the cache (and Ajv's own) starts again. */
const MAX_COMPILED_SCHEMAS = 500;
let validator = new AjvJsonSchemaValidator();
/**
 * Compiled checks by the schema's JSON text (null: Ajv cannot compile it). Ajv keeps what it
 * compiles by schema object, and a tool's schema is a new object each time its row is read, so
 * compiling on every call cost a compilation per call and grew Ajv's cache without bound.
 */
const compiled = new Map<string, ArgumentCheck | null>();

function checkOf(schema: JsonSchemaType): ArgumentCheck | null {
  const key = JSON.stringify(schema);
  let check = compiled.get(key);
  if (check === undefined) {
    if (compiled.size >= MAX_COMPILED_SCHEMAS) {
      compiled.clear();
      validator = new AjvJsonSchemaValidator();
    }
    try {
      check = validator.getValidator<Record<string, unknown>>(schema);
    } catch {
      check = null;
    }
    compiled.set(key, check);
  }
  return check;
}

/**
 * A remote tool's arguments are checked against the tool's own JSON Schema (not the flattened
 * parameter list), so nested shapes, unions and formats are judged as the server declared them.
 */
export function validateToolArguments(
  connector: Connector,
  action: Pick<ActionDefinition, 'id'>,
  parameters: Record<string, unknown>,
): Record<string, unknown> {
  const schema = connector.remoteMcp?.inputSchemas[action.id];
  if (!schema) return parameters;
  const check = checkOf(schema as JsonSchemaType);
  // A schema our validator cannot compile is the server's to judge.
  if (!check) return parameters;
  const result = check(parameters);
  if (result.valid) return parameters;
  throw new InvalidRequestError(`Invalid parameters for ${connector.id}/${action.id}: ${result.errorMessage ?? 'does not match the tool schema'}`, {
    connectorId: connector.id,
    actionId: action.id,
    issues: [{ parameter: '(parameters)', message: result.errorMessage ?? 'does not match the tool schema' }],
  });
}
