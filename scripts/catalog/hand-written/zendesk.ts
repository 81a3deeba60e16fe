// Zendesk Support API, https://developer.zendesk.com/api-reference/ticketing/introduction/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const cursor = { style: 'cursor', cursorParam: 'page[after]', cursorPath: 'meta.after_cursor', limitParam: 'page[size]' } as const;
const pageParams = [query('page[size]', 'integer', 'Max 100.'), query('page[after]', 'string', 'Cursor from meta.after_cursor.')];
const ticketFields = ['id', 'subject', 'status', 'priority', 'requester_id', 'assignee_id', 'tags', 'created_at', 'updated_at'];
const def: ConnectorDefinitionInput = {
  id: 'zendesk',
  name: 'Zendesk Support',
  category: 'support',
  description: 'Customer support ticketing: tickets, comments, users, organizations and search via the Zendesk Support API.',
  baseUrl: 'https://{subdomain}.zendesk.com',
  baseUrlVariables: [{ name: 'subdomain', description: 'Your Zendesk subdomain (the part before .zendesk.com).' }],
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://{subdomain}.zendesk.com/oauth/authorizations/new',
      tokenUrl: 'https://{subdomain}.zendesk.com/oauth/tokens',
      scopes: ['read', 'write'],
      availableScopes: ['read', 'write', 'tickets:read', 'tickets:write', 'users:read', 'users:write', 'organizations:read', 'organizations:write', 'hc:read', 'hc:write'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: true,
    },
    { type: 'basic' },
  ],
  resources: [
    { id: 'tickets', name: 'Tickets' },
    { id: 'users', name: 'Users' },
    { id: 'organizations', name: 'Organizations' },
    { id: 'search', name: 'Search' },
  ],
  actions: [
    action('tickets_list', 'tickets', 'GET', '/api/v2/tickets', 'List tickets', [...pageParams, query('sort', 'string', 'e.g. -updated_at.')], { pagination: cursor, response: { itemsPath: 'tickets', itemFields: ticketFields, fields: ['tickets', 'meta', 'links'] } }),
    action('tickets_show', 'tickets', 'GET', '/api/v2/tickets/{ticket_id}', 'Show a ticket', [pathParam('ticket_id')], { response: { fields: ['ticket'] } }),
    action('tickets_create', 'tickets', 'POST', '/api/v2/tickets', 'Create a ticket', [body('ticket', 'object', '{"subject":"...","comment":{"body":"..."},"priority":"normal","requester":{...}}.', true, { schema: { type: 'object', properties: { subject: { type: 'string' }, comment: { type: 'object' }, priority: { type: 'string', enum: ['urgent', 'high', 'normal', 'low'] }, status: { type: 'string' }, requester_id: { type: 'integer' }, assignee_id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['comment'] } })], { response: { fields: ['ticket', 'audit'] } }),
    action('tickets_update', 'tickets', 'PUT', '/api/v2/tickets/{ticket_id}', 'Update a ticket (or add a comment)', [pathParam('ticket_id'), body('ticket', 'object', '{"status":"solved","comment":{"body":"...","public":true}}.', true)], { idempotent: false, response: { fields: ['ticket', 'audit'] } }),
    action('tickets_delete', 'tickets', 'DELETE', '/api/v2/tickets/{ticket_id}', 'Delete a ticket', [pathParam('ticket_id')]),
    action('ticket_comments_list', 'tickets', 'GET', '/api/v2/tickets/{ticket_id}/comments', 'List ticket comments', [pathParam('ticket_id'), ...pageParams], { pagination: cursor, response: { itemsPath: 'comments', itemFields: ['id', 'author_id', 'body', 'public', 'created_at'] } }),
    action('users_list', 'users', 'GET', '/api/v2/users', 'List users', [...pageParams, query('role', 'string', undefined, false)], { pagination: cursor, response: { itemsPath: 'users', itemFields: ['id', 'name', 'email', 'role', 'organization_id'] } }),
    action('users_show', 'users', 'GET', '/api/v2/users/{user_id}', 'Show a user', [pathParam('user_id')], { response: { fields: ['user'] } }),
    action('users_create', 'users', 'POST', '/api/v2/users', 'Create a user', [body('user', 'object', '{"name":"...","email":"..."}.', true)], { response: { fields: ['user'] } }),
    action('users_me', 'users', 'GET', '/api/v2/users/me', 'Show the authenticated user', [], { response: { fields: ['user'] } }),
    action('organizations_list', 'organizations', 'GET', '/api/v2/organizations', 'List organizations', [...pageParams], { pagination: cursor, response: { itemsPath: 'organizations', itemFields: ['id', 'name', 'domain_names', 'created_at'] } }),
    action('organizations_create', 'organizations', 'POST', '/api/v2/organizations', 'Create an organization', [body('organization', 'object', '{"name":"..."}.', true)], { response: { fields: ['organization'] } }),
    action('search', 'search', 'GET', '/api/v2/search', 'Search tickets, users and organizations', [query('query', 'string', 'Zendesk search syntax, e.g. "type:ticket status:open".', true), query('sort_by', 'string'), query('sort_order', 'string'), query('page', 'integer'), query('per_page', 'integer')], { pagination: { style: 'page', pageParam: 'page', limitParam: 'per_page' }, response: { itemsPath: 'results', itemFields: ['id', 'result_type', 'subject', 'name', 'url'], fields: ['results', 'count', 'next_page'] } }),
  ],
  rateLimit: { requestsPerSecond: 10, burst: 20, headers: { retryAfter: 'retry-after', remaining: 'x-rate-limit-remaining' } },
  source: { kind: 'hand-written', spec: 'https://developer.zendesk.com/api-reference/ticketing/introduction/', version: 'v2' },
};
export default def;
