import SwaggerParser from '@apidevtools/swagger-parser';
import swagger2openapi from 'swagger2openapi';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InvalidRequestError } from '../../../errors.js';
import { CUSTOM_CONNECTOR_LIMITS, type CustomConnectorInput } from '../custom.js';
import { CONNECTOR_ID_PATTERN, connectorCategorySchema } from '../../schema.js';
import { authFromSpec } from './auth.js';
import { convertOperations } from './convert.js';
import { slugify, trimText } from './names.js';
import { baseUrlFrom } from './servers.js';

/** Body of POST /api/connectors/import. */
export const importOpenApiInputSchema = z.object({
  /** The OpenAPI 3 or Swagger 2 document: a JSON object, or JSON/YAML text. */
  document: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  id: z.string().regex(CONNECTOR_ID_PATTERN, 'must be a lowercase slug').optional(),
  name: z.string().min(1).max(200).optional(),
  category: connectorCategorySchema.optional(),
  /** Overrides the document's servers (required when it names none). */
  baseUrl: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL').optional(),
  /** Keep only these operationIds (for documents with more than the 100-operation limit). */
  operations: z.array(z.string().min(1)).max(CUSTOM_CONNECTOR_LIMITS.operationsPerConnector).optional(),
});
export type ImportOpenApiInput = z.infer<typeof importOpenApiInputSchema>;

type Json = any;

/** Deeper than any real API description nests; deeper input would exhaust the stack of recursive walkers. */
const MAX_DOCUMENT_DEPTH = 64;

function parseDocument(document: ImportOpenApiInput['document']): Json {
  if (typeof document !== 'string') {
    checkDocumentShape(document);
    return structuredClone(document);
  }
  let parsed: Json;
  try {
    parsed = parseYaml(document, { maxAliasCount: 100 }) as Json;
  } catch (error) {
    // The parser's own text can quote the document; the position is all the caller needs.
    const where = (error as { linePos?: [{ line: number; col: number }] }).linePos?.[0];
    throw new InvalidRequestError('The document is neither valid JSON nor valid YAML', where ? { line: where.line, column: where.col } : {});
  }
  checkDocumentShape(parsed);
  return parsed;
}

/**
 * Refuses documents nested too deep to walk, and any $ref that points outside the document: an
 * external reference names a file or URL, and resolving one would read the server's files or
 * reach the network on the caller's behalf.
 */
function checkDocumentShape(document: unknown): void {
  const pending: Array<[unknown, number]> = [[document, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_DOCUMENT_DEPTH) {
      throw new InvalidRequestError(`The document nests deeper than ${MAX_DOCUMENT_DEPTH} levels`, { limit: 'documentDepth', max: MAX_DOCUMENT_DEPTH });
    }
    const ref = (value as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && !ref.startsWith('#')) {
      throw new InvalidRequestError('The document has an external $ref; only references inside the document ("#/...") are resolved', {
        $ref: ref.slice(0, 200),
      });
    }
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
}

/** The validator's findings in our words: where in the document, and which rule, never quoted content. */
function validationProblems(error: unknown): string[] {
  const details = (error as { details?: Array<{ instancePath?: string; message?: string }> }).details;
  if (Array.isArray(details)) {
    return details.slice(0, 20).map((problem) => `${problem.instancePath || '/'}: ${problem.message ?? 'invalid'}`.slice(0, 300));
  }
  const pointer = (error as { targetRef?: unknown }).targetRef;
  if (typeof pointer === 'string') return [`$ref ${pointer.slice(0, 200)} points to nothing in the document`];
  return [];
}

/**
 * OpenAPI 3 / Swagger 2 document -> custom connector definition, with the same converter the
 * catalogue build uses. The result still goes through customConnectorSchema when it is saved.
 */
export async function connectorFromOpenApi(input: ImportOpenApiInput): Promise<CustomConnectorInput> {
  let spec = parseDocument(input.document);
  if (!spec || typeof spec !== 'object' || (!spec.openapi && !spec.swagger)) {
    throw new InvalidRequestError('The document is not an OpenAPI 3 or Swagger 2 document (no "openapi" or "swagger" field)');
  }
  try {
    // Validation dereferences in place; the converter wants the document with its $refs. External
    // resolution stays off even though checkDocumentShape already refused external $refs.
    await SwaggerParser.validate(structuredClone(spec), { resolve: { external: false, file: false, http: false } });
  } catch (error) {
    throw new InvalidRequestError('The OpenAPI document is invalid', { problems: validationProblems(error) });
  }
  if (typeof spec.swagger === 'string') spec = (await swagger2openapi.convertObj(spec, { patch: true, warnOnly: true })).openapi;

  const auth = authFromSpec(spec);
  const converted = convertOperations(
    spec,
    { specKey: 'upload', sourceKind: 'openapi-directory', maxActions: CUSTOM_CONNECTOR_LIMITS.operationsPerConnector, dropParams: new Set(), preferOperations: [], excludeOperations: [] },
    auth.apiKeyParams,
    auth.operationAuth,
  );
  const wanted = input.operations ? new Set(input.operations) : undefined;
  const actions = converted.actions.filter((action) => !wanted || wanted.has(action.opKey) || wanted.has(action.id));
  if (actions.length > CUSTOM_CONNECTOR_LIMITS.operationsPerConnector) {
    throw new InvalidRequestError(
      `The document has ${actions.length} operations; a custom connector may have at most ${CUSTOM_CONNECTOR_LIMITS.operationsPerConnector}. Pick some with "operations".`,
      { limit: 'operationsPerConnector', max: CUSTOM_CONNECTOR_LIMITS.operationsPerConnector, found: actions.length },
    );
  }
  if (actions.length === 0) throw new InvalidRequestError('The document has no usable operations');
  const server = baseUrlFrom(spec);
  const baseUrl = input.baseUrl ?? server.baseUrl;
  if (!baseUrl) throw new InvalidRequestError(`The document names no usable server URL: ${server.problem ?? 'give baseUrl'}`, { field: 'baseUrl' });
  const title = String(spec.info?.title ?? 'Custom API');
  const usedResources = new Set(actions.map((action) => action.resource));
  return {
    id: input.id ?? slugify(title),
    name: input.name ?? trimText(title, 200),
    category: input.category ?? 'other',
    description: trimText(spec.info?.description ?? title, 300),
    baseUrl,
    ...(!input.baseUrl && server.variables ? { baseUrlVariables: server.variables } : {}),
    authMethods: auth.methods.length > 0 ? auth.methods : [{ type: 'none' }],
    resources: [...converted.resources.values()].filter((resource) => usedResources.has(resource.id)),
    // opKey is the converter's bookkeeping, not part of a definition.
    actions: actions.map(({ opKey: _opKey, ...action }) => action),
  };
}
