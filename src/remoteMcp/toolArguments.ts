import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Connector } from '../connectors/types.js';
import type { ActionDefinition } from '../connectors/schema.js';
import { InvalidRequestError } from '../errors.js';

/** The MCP SDK's own settings for tool schemas: lenient about unknown keywords, strict about formats, every error reported. */
const ajv = new Ajv({ strict: false, validateFormats: true, validateSchema: false, allErrors: true });
// A CommonJS module: its default import is module.exports, whose `default` is the plugin.
addFormats.default(ajv);

/** Distinct tool schemas kept compiled; past this the cache (and Ajv's own) starts again. */
const MAX_COMPILED_SCHEMAS = 500;
/**
 * Compiled checks by the schema's JSON text (null: Ajv cannot compile it). Ajv keeps what it
 * compiles by schema object, and a tool's schema is a new object each time its row is read, so
 * compiling on every call cost a compilation per call and grew Ajv's cache without bound.
 */
const compiled = new Map<string, ValidateFunction | null>();

function checkOf(schema: Record<string, unknown>): ValidateFunction | null {
  const key = JSON.stringify(schema);
  let check = compiled.get(key);
  if (check === undefined) {
    if (compiled.size >= MAX_COMPILED_SCHEMAS) {
      compiled.clear();
      ajv.removeSchema();
    }
    try {
      check = typeof schema.$id === 'string' ? (ajv.getSchema(schema.$id) ?? ajv.compile(schema)) : ajv.compile(schema);
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
  const check = checkOf(schema as Record<string, unknown>);
  // A schema our validator cannot compile is the server's to judge.
  if (!check) return parameters;
  if (check(parameters)) return parameters;
  const message = ajv.errorsText(check.errors);
  throw new InvalidRequestError(`Invalid parameters for ${connector.id}/${action.id}: ${message}`, {
    connectorId: connector.id,
    actionId: action.id,
    issues: [{ parameter: '(parameters)', message }],
  });
}
