// Contentful Content Management API, https://www.contentful.com/developers/docs/references/content-management-api/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const space = pathParam('space_id', 'Space id.');
const environment = pathParam('environment_id', 'Environment id (master unless you use others).');
const entry = pathParam('entry_id', 'Entry id.');
/** Contentful wants its own JSON media type on writes. */
const cmaJson = { name: 'Content-Type', in: 'header', type: 'string', required: false, default: 'application/vnd.contentful.management.v1+json', description: 'Contentful\'s management media type.' } as const;
const version = { name: 'X-Contentful-Version', in: 'header', type: 'integer', required: true, description: 'The entry\'s current sys.version (optimistic locking).' } as const;
const page = [query('limit', 'integer', 'Max 1000 (default 100).'), query('skip', 'integer', 'Items to skip.')];
const skipPage = { style: 'offset', pageParam: 'skip', limitParam: 'limit' } as const;
const env = '/spaces/{space_id}/environments/{environment_id}';
const def: ConnectorDefinitionInput = {
  id: 'contentful',
  name: 'Contentful',
  category: 'productivity',
  description: 'Headless CMS: spaces, content types, entries (create, update, publish) and assets via the Contentful Content Management API.',
  baseUrl: 'https://api.contentful.com',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://be.contentful.com/oauth/authorize',
      tokenUrl: 'https://be.contentful.com/oauth/token',
      scopes: ['content_management_manage'],
      availableScopes: ['content_management_read', 'content_management_manage'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
    },
    // A personal access token (CMA token) from the web app's settings.
    { type: 'bearer' },
  ],
  resources: [
    { id: 'spaces', name: 'Spaces' },
    { id: 'content-types', name: 'Content types' },
    { id: 'entries', name: 'Entries' },
    { id: 'assets', name: 'Assets' },
  ],
  actions: [
    action('spaces_list', 'spaces', 'GET', '/spaces', 'List spaces', page, { pagination: skipPage, response: { itemsPath: 'items', itemFields: ['sys', 'name'] } }),
    action('content_types_list', 'content-types', 'GET', `${env}/content_types`, 'List content types', [space, environment, ...page], { pagination: skipPage, response: { itemsPath: 'items', itemFields: ['sys', 'name', 'displayField', 'fields'] } }),
    action('entries_list', 'entries', 'GET', `${env}/entries`, 'List entries', [space, environment, query('content_type', 'string', 'Only entries of this content type id (needed for fields.* filters).'), query('query', 'string', 'Full-text search.'), query('order', 'string', 'e.g. -sys.updatedAt.'), ...page], { pagination: skipPage, response: { itemsPath: 'items', itemFields: ['sys', 'fields'] } }),
    action('entry_get', 'entries', 'GET', `${env}/entries/{entry_id}`, 'Get an entry', [space, environment, entry], { response: { fields: ['sys', 'fields', 'metadata'] } }),
    action('entry_create', 'entries', 'POST', `${env}/entries`, 'Create an entry (a draft)', [
      space,
      environment,
      { name: 'X-Contentful-Content-Type', in: 'header', type: 'string', required: true, description: 'The content type id of the new entry.' },
      cmaJson,
      body('fields', 'object', 'Field values by locale: {"title": {"en-US": "Hello"}}.', true),
    ], { response: { fields: ['sys', 'fields'] } }),
    action('entry_update', 'entries', 'PUT', `${env}/entries/{entry_id}`, 'Replace an entry\'s fields', [
      space,
      environment,
      entry,
      version,
      cmaJson,
      body('fields', 'object', 'All field values by locale (fields left out are removed).', true),
    ], { idempotent: false, response: { fields: ['sys', 'fields'] } }),
    action('entry_publish', 'entries', 'PUT', `${env}/entries/{entry_id}/published`, 'Publish an entry', [space, environment, entry, version], { response: { fields: ['sys'] } }),
    action('entry_unpublish', 'entries', 'DELETE', `${env}/entries/{entry_id}/published`, 'Unpublish an entry', [space, environment, entry], { destructive: false, response: { fields: ['sys'] } }),
    action('entry_delete', 'entries', 'DELETE', `${env}/entries/{entry_id}`, 'Delete an entry (unpublish it first)', [space, environment, entry, version]),
    action('assets_list', 'assets', 'GET', `${env}/assets`, 'List assets', [space, environment, ...page], { pagination: skipPage, response: { itemsPath: 'items', itemFields: ['sys', 'fields'] } }),
  ],
  rateLimit: { requestsPerSecond: 7, burst: 7, headers: { retryAfter: 'x-contentful-ratelimit-reset', remaining: 'x-contentful-ratelimit-second-remaining' } },
  source: { kind: 'hand-written', spec: 'https://www.contentful.com/developers/docs/references/content-management-api/', version: 'v1' },
};
export default def;
