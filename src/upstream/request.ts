import type { AuthorizedRequest } from '../credentials/authorize.js';
import { DOT_SEGMENT_MESSAGE, DOT_SEGMENTS } from '../connectors/parameters.js';
import type { ActionDefinition, ActionParameter } from '../connectors/schema.js';
import { InvalidRequestError } from '../errors.js';
import { serializePairs, serializeSimple } from './serialize.js';

export interface UpstreamRequest {
  method: ActionDefinition['method'];
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** The name a parameter has on the wire: its own, unless it was renamed to keep it apart from a namesake elsewhere. */
const wireNameOf = (parameter: Pick<ActionParameter, 'name' | 'wireName'>): string => parameter.wireName ?? parameter.name;

/** Maps validated parameters onto the HTTP request the action describes, serialized by each parameter's style. */
export function buildUpstreamRequest(input: {
  baseUrl: string;
  action: Pick<ActionDefinition, 'method' | 'path' | 'parameters' | 'bodyEncoding' | 'idempotencyKeyHeader'>;
  parameters: Record<string, unknown>;
  auth: Omit<AuthorizedRequest, 'credentialId'>;
  idempotencyKey?: string;
}): UpstreamRequest {
  const { action, parameters } = input;
  const byName = new Map(action.parameters.map((parameter) => [parameter.name, parameter]));
  const pathParameters = new Map(action.parameters.filter((parameter) => parameter.in === 'path').map((parameter) => [wireNameOf(parameter), parameter]));
  const path = action.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const parameter = pathParameters.get(name);
    const value = parameters[parameter?.name ?? name] ?? '';
    // Checked before the call is built too; here for callers that skip validation (plans, replays).
    if (typeof value === 'string' && DOT_SEGMENTS.has(value)) {
      throw new InvalidRequestError(`Parameter ${name}: ${DOT_SEGMENT_MESSAGE}`, { parameter: name });
    }
    // Each part encoded, so a value can never add path segments or a query of its own.
    return serializeSimple(parameter ?? { in: 'path' }, name, value, encodeURIComponent);
  });
  const url = new URL(input.baseUrl.replace(/\/+$/, '') + path);
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'Switchboard/0.1' };
  const body: Record<string, unknown> = {};
  const formPairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(parameters)) {
    const parameter = byName.get(name);
    if (value === undefined || !parameter) continue;
    const wireName = wireNameOf(parameter);
    switch (parameter.in) {
      case 'query':
        for (const [key, text] of serializePairs(parameter, wireName, value)) url.searchParams.append(key, text);
        break;
      case 'header':
        headers[wireName.toLowerCase()] = serializeSimple(parameter, wireName, value);
        break;
      case 'body':
        body[wireName] = value;
        formPairs.push(...serializePairs(parameter, wireName, value));
        break;
      default:
        break;
    }
  }
  for (const [name, value] of Object.entries(input.auth.query)) url.searchParams.set(name, value);
  for (const [name, value] of Object.entries(input.auth.headers)) headers[name.toLowerCase()] = value;
  if (action.idempotencyKeyHeader && input.idempotencyKey) {
    headers[action.idempotencyKeyHeader.toLowerCase()] = input.idempotencyKey;
  }
  const request: UpstreamRequest = { method: action.method, url, headers };
  if (Object.keys(body).length > 0 || (action.method !== 'GET' && action.method !== 'DELETE' && hasBodyParameters(action))) {
    if (action.bodyEncoding === 'form') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      request.body = new URLSearchParams(formPairs).toString();
    } else {
      // A vendor's own JSON media type, set by the action's Content-Type header parameter
      // (Contentful's application/vnd.contentful.management.v1+json), is kept.
      if (!/^application\/[\w.-]+\+json$/i.test(headers['content-type'] ?? '')) headers['content-type'] = 'application/json';
      request.body = JSON.stringify(body);
    }
  }
  return request;
}

function hasBodyParameters(action: Pick<ActionDefinition, 'parameters'>): boolean {
  return action.parameters.some((parameter) => parameter.in === 'body');
}
