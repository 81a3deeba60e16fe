// Notion public API, https://developers.notion.com/reference (version 2022-06-28).
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const cursor = { style: 'cursor', cursorParam: 'start_cursor', cursorPath: 'next_cursor', limitParam: 'page_size' } as const;
const list = { itemsPath: 'results', fields: ['object', 'results', 'next_cursor', 'has_more'] };
const notionVersion = { name: 'Notion-Version', in: 'header', type: 'string', required: true, description: 'API version header.', sample: '2022-06-28' } as const;

const def: ConnectorDefinitionInput = {
  id: 'notion',
  name: 'Notion',
  category: 'productivity',
  description: 'Workspace docs and databases: search, read and write pages, blocks, databases and comments via the Notion API.',
  baseUrl: 'https://api.notion.com',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://api.notion.com/v1/oauth/authorize',
      tokenUrl: 'https://api.notion.com/v1/oauth/token',
      scopes: [],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: false,
      extraAuthorizationParams: { owner: 'user' },
    },
    { type: 'bearer' },
  ],
  resources: [
    { id: 'search', name: 'Search' },
    { id: 'pages', name: 'Pages' },
    { id: 'blocks', name: 'Blocks' },
    { id: 'databases', name: 'Databases' },
    { id: 'users', name: 'Users' },
    { id: 'comments', name: 'Comments' },
  ],
  actions: [
    action('search', 'search', 'POST', '/v1/search', 'Search pages and databases', [
      notionVersion,
      body('query', 'string', 'Text to match page and database titles against.'),
      body('filter', 'object', 'Limit to pages or databases, e.g. {"property":"object","value":"page"}.'),
      body('sort', 'object', 'Sort by last_edited_time.'),
      body('start_cursor', 'string', 'Cursor from a previous response.'),
      body('page_size', 'integer', 'Max 100.'),
    ], { response: list, idempotent: true, pagination: { style: 'cursor', cursorParam: 'start_cursor', cursorPath: 'next_cursor', limitParam: 'page_size' } }),
    action('pages_retrieve', 'pages', 'GET', '/v1/pages/{page_id}', 'Retrieve a page', [notionVersion, pathParam('page_id')], { response: { fields: ['id', 'object', 'properties', 'parent', 'url', 'created_time', 'last_edited_time', 'archived'] } }),
    action('pages_create', 'pages', 'POST', '/v1/pages', 'Create a page', [
      notionVersion,
      body('parent', 'object', 'Parent page or database: {"page_id":...} or {"database_id":...}.', true),
      body('properties', 'object', 'Page property values (title for pages; schema properties for database rows).', true),
      body('children', 'array', 'Block objects for the page content.'),
      body('icon', 'object'),
      body('cover', 'object'),
    ], { response: { fields: ['id', 'object', 'url', 'properties'] } }),
    action('pages_update', 'pages', 'PATCH', '/v1/pages/{page_id}', 'Update page properties', [
      notionVersion, pathParam('page_id'), body('properties', 'object'), body('archived', 'boolean', 'Set true to archive (trash) the page.'), body('icon', 'object'), body('cover', 'object'),
    ], { response: { fields: ['id', 'object', 'url', 'properties'] } }),
    action('pages_property_retrieve', 'pages', 'GET', '/v1/pages/{page_id}/properties/{property_id}', 'Retrieve a page property item', [notionVersion, pathParam('page_id'), pathParam('property_id'), query('start_cursor', 'string'), query('page_size', 'integer')], { pagination: cursor, response: list }),
    action('blocks_retrieve', 'blocks', 'GET', '/v1/blocks/{block_id}', 'Retrieve a block', [notionVersion, pathParam('block_id')], { response: { fields: ['id', 'type', 'has_children'] } }),
    action('blocks_children_list', 'blocks', 'GET', '/v1/blocks/{block_id}/children', 'List block children (page content)', [notionVersion, pathParam('block_id', 'Block or page id.'), query('start_cursor', 'string'), query('page_size', 'integer', 'Max 100.')], { pagination: cursor, response: { ...list, itemFields: ['id', 'type', 'has_children'] } }),
    action('blocks_children_append', 'blocks', 'PATCH', '/v1/blocks/{block_id}/children', 'Append block children', [notionVersion, pathParam('block_id'), body('children', 'array', 'Block objects to append (max 100).', true), body('after', 'string', 'Append after this block id.')], { response: list, idempotent: false }),
    action('blocks_update', 'blocks', 'PATCH', '/v1/blocks/{block_id}', 'Update a block', [notionVersion, pathParam('block_id'), body('archived', 'boolean')]),
    action('blocks_delete', 'blocks', 'DELETE', '/v1/blocks/{block_id}', 'Delete (archive) a block', [notionVersion, pathParam('block_id')]),
    action('databases_retrieve', 'databases', 'GET', '/v1/databases/{database_id}', 'Retrieve a database', [notionVersion, pathParam('database_id')], { response: { fields: ['id', 'title', 'properties', 'parent', 'url'] } }),
    action('databases_query', 'databases', 'POST', '/v1/databases/{database_id}/query', 'Query a database', [
      notionVersion, pathParam('database_id'), body('filter', 'object', 'Property filter.'), body('sorts', 'array'), body('start_cursor', 'string'), body('page_size', 'integer', 'Max 100.'),
    ], { response: { ...list, itemFields: ['id', 'properties', 'url', 'created_time', 'last_edited_time'] }, idempotent: true, pagination: { style: 'cursor', cursorParam: 'start_cursor', cursorPath: 'next_cursor', limitParam: 'page_size' } }),
    action('databases_create', 'databases', 'POST', '/v1/databases', 'Create a database', [notionVersion, body('parent', 'object', 'Parent page: {"type":"page_id","page_id":...}.', true), body('title', 'array', 'Rich text title.'), body('properties', 'object', 'Property schema.', true)]),
    action('databases_update', 'databases', 'PATCH', '/v1/databases/{database_id}', 'Update a database', [notionVersion, pathParam('database_id'), body('title', 'array'), body('description', 'array'), body('properties', 'object')]),
    action('users_list', 'users', 'GET', '/v1/users', 'List all users', [notionVersion, query('start_cursor', 'string'), query('page_size', 'integer')], { pagination: cursor, response: { ...list, itemFields: ['id', 'type', 'name', 'avatar_url', 'person'] } }),
    action('users_retrieve', 'users', 'GET', '/v1/users/{user_id}', 'Retrieve a user', [notionVersion, pathParam('user_id')], { response: { fields: ['id', 'type', 'name', 'person', 'bot'] } }),
    action('users_me', 'users', 'GET', '/v1/users/me', 'Retrieve the bot user of the token', [notionVersion], { response: { fields: ['id', 'type', 'name', 'bot'] } }),
    action('comments_list', 'comments', 'GET', '/v1/comments', 'List comments on a block or page', [notionVersion, query('block_id', 'string', 'Page or block id.', true), query('start_cursor', 'string'), query('page_size', 'integer')], { pagination: cursor, response: { ...list, itemFields: ['id', 'discussion_id', 'rich_text', 'created_by', 'created_time'] } }),
    action('comments_create', 'comments', 'POST', '/v1/comments', 'Create a comment', [notionVersion, body('parent', 'object', '{"page_id": ...} for a new discussion.'), body('discussion_id', 'string', 'Reply in an existing discussion.'), body('rich_text', 'array', 'Comment content.', true)]),
  ],
  rateLimit: { requestsPerSecond: 3, burst: 3, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://developers.notion.com/reference', version: '2022-06-28' },
};
export default def;
