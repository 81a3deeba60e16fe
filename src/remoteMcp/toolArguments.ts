import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Connector } from '../connectors/types.js';
import type { ActionDefinition } from '../connectors/schema.js';
import { InvalidRequestError } from '../errors.js';

/** The MCP SDK's own settings for tool schemas: lenient about unknown keywords, strict about formats, every error reported. */
const ajv = new Ajv({ strict: false, validateFormats: true, validateSchema: false, allErrors: true });
// A CommonJS module: its default import is module.exports, whose `default` is the plugin.
addFormats.default(ajv);

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
  let check: ValidateFunction;
  try {
    check = '$id' in schema && typeof schema.$id === 'string' ? (ajv.getSchema(schema.$id) ?? ajv.compile(schema)) : ajv.compile(schema);
  } catch {
    // A schema our validator cannot compile is the server's to judge.
    return parameters;
  }
  if (check(parameters)) return parameters;
  const message = ajv.errorsText(check.errors);
  throw new InvalidRequestError(`Invalid parameters for ${connector.id}/${action.id}: ${message}`, {
    connectorId: connector.id,
    actionId: action.id,
    issues: [{ parameter: '(parameters)', message }],
  });
}
