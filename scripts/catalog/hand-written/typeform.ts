// Typeform Create and Responses APIs, https://www.typeform.com/developers/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const form = pathParam('form_id', 'Form id (from its URL).');
const def: ConnectorDefinitionInput = {
  id: 'typeform',
  name: 'Typeform',
  category: 'productivity',
  description: 'Forms and surveys: list and create forms, read and delete responses, manage webhooks via the Typeform APIs.',
  baseUrl: 'https://api.typeform.com',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://api.typeform.com/oauth/authorize',
      tokenUrl: 'https://api.typeform.com/oauth/token',
      scopes: ['accounts:read', 'forms:read', 'forms:write', 'responses:read', 'webhooks:write', 'offline'],
      availableScopes: ['accounts:read', 'forms:read', 'forms:write', 'images:read', 'images:write', 'themes:read', 'themes:write', 'responses:read', 'responses:write', 'webhooks:read', 'webhooks:write', 'workspaces:read', 'workspaces:write', 'offline'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
    },
    { type: 'bearer' },
  ],
  resources: [
    { id: 'forms', name: 'Forms' },
    { id: 'responses', name: 'Responses' },
    { id: 'webhooks', name: 'Webhooks' },
    { id: 'workspaces', name: 'Workspaces' },
  ],
  actions: [
    action('forms_list', 'forms', 'GET', '/forms', 'List forms', [query('search', 'string', 'Title contains.'), query('page', 'integer', 'Page (from 1).'), query('page_size', 'integer', 'Max 200.'), query('workspace_id', 'string', 'Only this workspace.')], { pagination: { style: 'page', pageParam: 'page', limitParam: 'page_size' }, response: { itemsPath: 'items', itemFields: ['id', 'title', 'last_updated_at', '_links'] } }),
    action('form_get', 'forms', 'GET', '/forms/{form_id}', 'Get a form with its fields', [form], { response: { fields: ['id', 'title', 'fields', 'settings', '_links'] } }),
    action('form_create', 'forms', 'POST', '/forms', 'Create a form', [body('title', 'string', 'Form title.', true), body('fields', 'array', '[{"title":"Your name?","type":"short_text"}, ...].'), body('workspace', 'object', '{"href":"https://api.typeform.com/workspaces/<id>"}.')], { response: { fields: ['id', 'title', '_links'] } }),
    action('responses_list', 'responses', 'GET', '/forms/{form_id}/responses', 'List responses of a form', [form, query('page_size', 'integer', 'Max 1000.'), query('since', 'string', 'ISO 8601 time or Unix seconds.'), query('until', 'string', 'ISO 8601 time or Unix seconds.'), query('before', 'string', 'Token of the oldest response seen (next page).'), query('completed', 'boolean', 'Only completed (or only partial).'), query('query', 'string', 'Full-text search.')], { pagination: { style: 'cursor', cursorParam: 'before', limitParam: 'page_size' }, response: { itemsPath: 'items', itemFields: ['response_id', 'token', 'submitted_at', 'answers', 'hidden'] } }),
    action('responses_delete', 'responses', 'DELETE', '/forms/{form_id}/responses', 'Delete responses', [form, query('included_response_ids', 'string', 'Comma-separated response ids.', true)]),
    action('webhook_upsert', 'webhooks', 'PUT', '/forms/{form_id}/webhooks/{tag}', 'Create or update a webhook', [form, pathParam('tag', 'Your name for the webhook.'), body('url', 'string', 'HTTPS endpoint that receives submissions.', true), body('enabled', 'boolean', 'Send submissions now.', true), body('secret', 'string', 'Signs payloads (Typeform-Signature).')], { response: { fields: ['id', 'tag', 'url', 'enabled'] } }),
    action('workspaces_list', 'workspaces', 'GET', '/workspaces', 'List workspaces', [query('page', 'integer', 'Page.'), query('page_size', 'integer', 'Max 200.')], { pagination: { style: 'page', pageParam: 'page', limitParam: 'page_size' }, response: { itemsPath: 'items', itemFields: ['id', 'name', 'forms'] } }),
    action('me', 'workspaces', 'GET', '/me', 'Show the account', [], { response: { fields: ['user_id', 'email', 'alias', 'language'] } }),
  ],
  rateLimit: { requestsPerSecond: 2, burst: 2, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://www.typeform.com/developers/get-started/#rate-limits', version: 'v1' },
};
export default def;
