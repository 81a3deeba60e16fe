// PagerDuty REST API v2, https://developer.pagerduty.com/api-reference/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const offset = { style: 'offset', pageParam: 'offset', limitParam: 'limit' } as const;
const page = [query('limit', 'integer', 'Max 100.'), query('offset', 'integer', 'Offset.')];
const from = { name: 'From', in: 'header', type: 'string', required: true, description: 'E-mail of the PagerDuty user acting (required for writes with an API key).' } as const;
const def: ConnectorDefinitionInput = {
  id: 'pagerduty',
  name: 'PagerDuty',
  category: 'development',
  description: 'Incident response: incidents, notes, services, on-calls, schedules and users via the PagerDuty REST API.',
  baseUrl: 'https://api.pagerduty.com',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://identity.pagerduty.com/oauth/authorize',
      tokenUrl: 'https://identity.pagerduty.com/oauth/token',
      revocationUrl: 'https://identity.pagerduty.com/oauth/revoke',
      scopes: ['read', 'write'],
      availableScopes: ['read', 'write', 'incidents.read', 'incidents.write', 'services.read', 'users.read', 'schedules.read', 'oncalls.read'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: true,
    },
    // REST API keys are sent as "Authorization: Token token=<key>".
    { type: 'customHeaders', headers: [{ name: 'Authorization', description: '"Token token=<REST API key>" (Integrations > API Access Keys).' }] },
  ],
  resources: [
    { id: 'incidents', name: 'Incidents' },
    { id: 'services', name: 'Services' },
    { id: 'oncalls', name: 'On-calls' },
    { id: 'users', name: 'Users' },
  ],
  actions: [
    action('incidents_list', 'incidents', 'GET', '/incidents', 'List incidents', [...page, query('statuses[]', 'array', 'triggered, acknowledged, resolved.'), query('service_ids[]', 'array', 'Only these services.'), query('since', 'string', 'ISO 8601 time.'), query('until', 'string', 'ISO 8601 time.'), query('urgencies[]', 'array', 'high, low.')], { pagination: offset, response: { itemsPath: 'incidents', itemFields: ['id', 'incident_number', 'title', 'status', 'urgency', 'service', 'assignments', 'created_at', 'html_url'] } }),
    action('incident_get', 'incidents', 'GET', '/incidents/{id}', 'Get an incident', [pathParam('id', 'Incident id.')], { response: { fields: ['incident'] } }),
    action('incident_create', 'incidents', 'POST', '/incidents', 'Trigger an incident', [from, body('incident', 'object', '{"type":"incident","title":"...","service":{"id":"<service id>","type":"service_reference"},"urgency":"high","body":{"type":"incident_body","details":"..."}}.', true)], { response: { fields: ['incident'] } }),
    action('incident_update', 'incidents', 'PUT', '/incidents/{id}', 'Acknowledge, resolve or reassign an incident', [pathParam('id', 'Incident id.'), from, body('incident', 'object', '{"type":"incident_reference","status":"acknowledged"} (or "resolved", or "assignments":[...]).', true)], { response: { fields: ['incident'] } }),
    action('incident_note_create', 'incidents', 'POST', '/incidents/{id}/notes', 'Add a note to an incident', [pathParam('id', 'Incident id.'), from, body('note', 'object', '{"content":"..."}.', true)], { response: { fields: ['note'] } }),
    action('services_list', 'services', 'GET', '/services', 'List services', [...page, query('query', 'string', 'Name filter.')], { pagination: offset, response: { itemsPath: 'services', itemFields: ['id', 'name', 'status', 'escalation_policy', 'html_url'] } }),
    action('oncalls_list', 'oncalls', 'GET', '/oncalls', 'List who is on call', [...page, query('schedule_ids[]', 'array', 'Only these schedules.'), query('escalation_policy_ids[]', 'array', 'Only these policies.'), query('earliest', 'boolean', 'Only the earliest on-call per level.')], { pagination: offset, response: { itemsPath: 'oncalls', itemFields: ['user', 'schedule', 'escalation_policy', 'escalation_level', 'start', 'end'] } }),
    action('schedules_list', 'oncalls', 'GET', '/schedules', 'List schedules', [...page, query('query', 'string', 'Name filter.')], { pagination: offset, response: { itemsPath: 'schedules', itemFields: ['id', 'name', 'time_zone', 'html_url'] } }),
    action('users_list', 'users', 'GET', '/users', 'List users', [...page, query('query', 'string', 'Name or e-mail filter.')], { pagination: offset, response: { itemsPath: 'users', itemFields: ['id', 'name', 'email', 'role', 'html_url'] } }),
  ],
  rateLimit: { requestsPerSecond: 16, burst: 30, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://developer.pagerduty.com/docs/rest-api-rate-limits', version: 'v2' },
};
export default def;
