import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType } from '@modelcontextprotocol/sdk/validation/types.js';
import type { Connector } from '../connectors/types.js';
import type { ActionDefinition } from '../connectors/schema.js';
import { InvalidRequestError } from '../errors.js';

const validator = new AjvJsonSchemaValidator();

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
  let check;
  try {
    check = validator.getValidator<Record<string, unknown>>(schema as JsonSchemaType);
  } catch {
    // A schema our validator cannot compile is the server's to judge.
    return parameters;
  }
  const result = check(parameters);
  if (result.valid) return parameters;
  throw new InvalidRequestError(`Invalid parameters for ${connector.id}/${action.id}: ${result.errorMessage ?? 'does not match the tool schema'}`, {
    connectorId: connector.id,
    actionId: action.id,
    issues: [{ parameter: '(parameters)', message: result.errorMessage ?? 'does not match the tool schema' }],
  });
}
