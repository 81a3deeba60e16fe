/**
 * Which connectors and actions the contract test calls, and with what values.
 */
import { generateHttpParam } from '@stoplight/prism-http';
import type { ActionDefinition, ActionParameter, AuthMethod, ConnectorDefinition, ConnectorSummary } from '../../src/connectors/schema.js';
import { literalFits } from '../../src/plans/proposal.js';
import type { PrismHost } from './prismHost.js';

/**
 * The SaaS users ask for first: the 41 well-known families the catalogue linter holds
 * (scripts/catalog/lint.ts), the five issue 31 adds, Webflow and DocuSign.
 */
const TOP_SAAS = [
  'slack', 'github', 'gitlab', 'jira', 'asana', 'trello', 'notion', 'airtable', 'hubspot', 'salesforce', 'zendesk', 'stripe',
  'xero', 'mailchimp', 'sendgrid', 'twilio', 'zoom', 'dropbox', 'box', 'gmail', 'google-calendar', 'google-drive', 'google-sheets',
  'microsoft-graph', 'linear', 'confluence', 'pipedrive', 'intercom', 'freshdesk', 'quickbooks', 'shopify', 'discord', 'calendly',
  'typeform', 'pagerduty', 'datadog', 'sentry', 'okta', 'figma', 'monday', 'clickup',
  'servicenow', 'bamboohr', 'contentful', 'segment', 'mixpanel', 'webflow', 'docusign',
] as const;

/** A small deterministic generator (mulberry32), so the sample and the picks are the same every run. */
function seededRandom(seed: string): () => number {
  let state = [...seed].reduce((hash, char) => Math.imul(hash ^ char.charCodeAt(0), 16777619), 2166136261) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The top SaaS plus `size` others drawn with the seed. */
export function sampleConnectors(index: readonly ConnectorSummary[], size: number, seed: string): { top: string[]; sampled: string[] } {
  const top = TOP_SAAS.filter((id) => index.some((row) => row.id === id));
  const rest = index.map((row) => row.id).filter((id) => !(TOP_SAAS as readonly string[]).includes(id));
  const random = seededRandom(seed);
  const sampled: string[] = [];
  while (sampled.length < size && rest.length > 0) sampled.push(rest.splice(Math.floor(random() * rest.length), 1)[0]!);
  return { top, sampled: sampled.sort() };
}

export type CallKind = 'get' | 'list' | 'write';

const hasPathParameter = (action: ActionDefinition): boolean => action.parameters.some((parameter) => parameter.in === 'path');

/** One GET of a single thing, one list and one write, each drawn with the seed among the connector's candidates. */
export function pickActions(def: ConnectorDefinition, seed: string): Array<{ kind: CallKind; action: ActionDefinition }> {
  const random = seededRandom(`${seed}:${def.id}`);
  const pick = (candidates: ActionDefinition[]) => candidates[Math.floor(random() * candidates.length)];
  const graphql = (action: ActionDefinition) => action.path.endsWith('/graphql');
  const usable = def.actions.filter((action) => !graphql(action));
  const get = pick(usable.filter((action) => action.method === 'GET' && hasPathParameter(action)));
  const list = pick(usable.filter((action) => action.method === 'GET' && (action.response.itemsPath !== undefined || action.pagination !== undefined || !hasPathParameter(action))));
  const write = pick(usable.filter((action) => action.method === 'POST' || action.method === 'PUT' || action.method === 'PATCH'));
  const out: Array<{ kind: CallKind; action: ActionDefinition }> = [];
  if (get) out.push({ kind: 'get', action: get });
  if (list && list !== get) out.push({ kind: 'list', action: list });
  if (write) out.push({ kind: 'write', action: write });
  return out;
}

const FORMAT_SAMPLES: Record<string, unknown> = {
  'date-time': '2024-01-02T03:04:05Z',
  date: '2024-01-02',
  time: '03:04:05Z',
  email: 'ada@example.com',
  uuid: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  uri: 'https://example.com/a',
  url: 'https://example.com/a',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  byte: 'aGVsbG8=',
};

function valueOfSchema(schema: Record<string, any> | undefined, depth = 0): unknown {
  const type = schema?.type;
  if (Array.isArray(schema?.enum) && schema.enum.length > 0) return schema.enum[0];
  if (type === 'array') return depth > 2 ? [] : [valueOfSchema(schema?.items, depth + 1)];
  if (type === 'object') {
    const required: string[] = Array.isArray(schema?.required) ? schema.required : [];
    return Object.fromEntries(required.filter((name) => schema?.properties?.[name]).map((name) => [name, valueOfSchema(schema!.properties[name], depth + 1)]));
  }
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return true;
  return 'sample';
}

/** A value the parameter's own description says is valid. */
function sampleValue(parameter: ActionParameter): unknown {
  if (parameter.enum && parameter.enum.length > 0) return parameter.type === 'array' ? [parameter.enum[0]] : parameter.enum[0];
  const example = parameter.sample;
  const fits =
    example !== undefined &&
    ((parameter.type === 'string' && typeof example === 'string') ||
      ((parameter.type === 'integer' || parameter.type === 'number') && typeof example === 'number') ||
      (parameter.type === 'boolean' && typeof example === 'boolean'));
  if (fits) return example;
  switch (parameter.type) {
    case 'string':
      return (parameter.format && FORMAT_SAMPLES[parameter.format]) ?? 'sample';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [valueOfSchema((parameter.schema as Record<string, any> | undefined)?.items)];
    case 'object':
      return valueOfSchema({ type: 'object', ...(parameter.schema ?? {}) });
  }
}

type DocumentOperation = NonNullable<ReturnType<PrismHost['operationOf']>>;
type DocumentScheme = { type: string; in?: string; name?: string; scheme?: string };

/** Whether the document's operation accepts this auth method (one of its requirements is met by it). */
function documentAccepts(operation: DocumentOperation | undefined, method: AuthMethod): boolean {
  const requirements = (operation?.security ?? []) as DocumentScheme[][];
  const meets = (scheme: DocumentScheme): boolean => {
    const bearerLike = scheme.type === 'oauth2' || scheme.type === 'openIdConnect' || (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') ||
      (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.name?.toLowerCase() === 'authorization');
    switch (method.type) {
      case 'apiKey':
        return scheme.type === 'apiKey' && scheme.in === method.in && scheme.name?.toLowerCase() === method.name.toLowerCase();
      case 'basic':
        return scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'basic';
      case 'bearer':
      case 'oauth2':
        return bearerLike;
      default:
        return false;
    }
  };
  return requirements.some((requirement) =>
    method.type === 'apiKeys'
      ? requirement.every((scheme) => method.keys.some((key) => scheme.type === 'apiKey' && scheme.in === key.in && scheme.name?.toLowerCase() === key.name.toLowerCase()))
      : requirement.length === 1 && meets(requirement[0]!),
  );
}

/** The credential variant a call uses: one the document accepts when the action offers it, else the action's first. */
export function variantFor(methods: readonly AuthMethod[], operation: DocumentOperation | undefined): AuthMethod | undefined {
  const usable = methods.filter((method) => method.type !== 'none');
  return usable.find((method) => documentAccepts(operation, method)) ?? usable[0];
}

/** Runs `generate` with Math.random drawn from the seed, so Prism's generator gives the same values every run. */
function seeded<T>(seed: string, generate: () => T): T {
  const random = Math.random;
  Math.random = seededRandom(seed);
  try {
    return generate();
  } finally {
    Math.random = random;
  }
}

/** The vendor document's own schema for a parameter, by its location and wire name. */
function documentSchemaOf(operation: DocumentOperation | undefined, parameter: ActionParameter): Record<string, unknown> | undefined {
  const wireName = parameter.wireName ?? parameter.name;
  const request = operation?.request;
  if (!request) return undefined;
  if (parameter.in === 'body') {
    const content = request.body?.contents?.find((item) => /json|x-www-form-urlencoded/i.test(item.mediaType)) ?? request.body?.contents?.[0];
    return (content?.schema as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties?.[wireName];
  }
  const list = parameter.in === 'path' ? request.path : parameter.in === 'query' ? request.query : request.headers;
  return list?.find((item) => item.name.toLowerCase() === wireName.toLowerCase())?.schema as Record<string, unknown> | undefined;
}

/**
 * The required parameters, filled with values the vendor's document says are valid (its examples,
 * or Prism's generator honouring patterns, lengths and nested required fields, seeded), else from
 * the parameter's own description.
 */
export function requiredParameters(action: ActionDefinition, operation?: DocumentOperation): Record<string, unknown> {
  return Object.fromEntries(
    action.parameters
      .filter((parameter) => parameter.required && parameter.default === undefined)
      .map((parameter) => {
        const schema = documentSchemaOf(operation, parameter);
        const generated = schema ? seeded(`${action.id}:${parameter.name}`, () => generateHttpParam({ name: parameter.name, schema } as never)) : undefined;
        // A connector that takes an id as a string while the vendor types it as a number gets the number's digits.
        const candidate = generated?._tag === 'Some' && parameter.type === 'string' && typeof generated.value === 'number' ? String(generated.value) : generated?._tag === 'Some' ? generated.value : undefined;
        const value = candidate !== undefined && fitsType(parameter, candidate) ? candidate : sampleValue(parameter);
        return [parameter.name, value];
      }),
  );
}

/**
 * Whether a generated value is what the connector's own parameter check accepts: the plan checker's
 * type check, and no `.` or `..` as a string (refused as a path value before anything is sent).
 */
function fitsType(parameter: ActionParameter, value: unknown): boolean {
  if (parameter.type === 'string' && (value === '.' || value === '..')) return false;
  return literalFits(parameter, value);
}
