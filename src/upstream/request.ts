import type { AuthorizedRequest } from '../credentials/authorize.js';
import { DOT_SEGMENT_MESSAGE, DOT_SEGMENTS } from '../connectors/parameters.js';
import type { ActionDefinition } from '../connectors/schema.js';
import { InvalidRequestError } from '../errors.js';

export interface UpstreamRequest {
  method: ActionDefinition['method'];
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** Maps validated parameters onto the HTTP request the action describes. */
export function buildUpstreamRequest(input: {
  baseUrl: string;
  action: Pick<ActionDefinition, 'method' | 'path' | 'parameters' | 'bodyEncoding' | 'idempotencyKeyHeader'>;
  parameters: Record<string, unknown>;
  auth: Omit<AuthorizedRequest, 'credentialId'>;
  idempotencyKey?: string;
}): UpstreamRequest {
  const { action, parameters } = input;
  const locationOf = new Map(action.parameters.map((parameter) => [parameter.name, parameter.in]));
  const path = action.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = asText(parameters[name] ?? '');
    // Checked before the call is built too; here for callers that skip validation (plans, replays).
    if (DOT_SEGMENTS.has(value)) throw new InvalidRequestError(`Parameter ${name}: ${DOT_SEGMENT_MESSAGE}`, { parameter: name });
    // Encoded, so a value can never add path segments or a query of its own.
    return encodeURIComponent(value);
  });
  const url = new URL(input.baseUrl.replace(/\/+$/, '') + path);
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'Switchboard/0.1' };
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (value === undefined) continue;
    switch (locationOf.get(name)) {
      case 'query':
        for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, asText(item));
        break;
      case 'header':
        headers[name.toLowerCase()] = asText(value);
        break;
      case 'body':
        body[name] = value;
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
      request.body = new URLSearchParams(Object.entries(body).map(([name, value]): [string, string] => [name, asText(value)])).toString();
    } else {
      headers['content-type'] = 'application/json';
      request.body = JSON.stringify(body);
    }
  }
  return request;
}

function hasBodyParameters(action: Pick<ActionDefinition, 'parameters'>): boolean {
  return action.parameters.some((parameter) => parameter.in === 'body');
}
