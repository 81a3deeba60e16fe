// Confluence Cloud REST API v2, https://developer.atlassian.com/cloud/confluence/rest/v2/intro/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const link = { style: 'link', limitParam: 'limit' } as const;
const page = [query('limit', 'integer', 'Results per page (max 250).'), query('cursor', 'string', 'Cursor from the Link header of the previous page.')];
const pageFields = ['id', 'title', 'status', 'spaceId', 'parentId', 'version', '_links'];
const storageBody = body('body', 'object', '{"representation":"storage","value":"<p>XHTML storage format</p>"}.', true, {
  schema: { type: 'object', properties: { representation: { type: 'string', enum: ['storage', 'atlas_doc_format', 'wiki'] }, value: { type: 'string' } }, required: ['representation', 'value'] },
});
const def: ConnectorDefinitionInput = {
  id: 'confluence',
  name: 'Confluence',
  category: 'productivity',
  description: 'Team wiki: spaces, pages, comments and CQL search via the Confluence Cloud REST API.',
  baseUrl: 'https://{domain}.atlassian.net/wiki',
  baseUrlVariables: [{ name: 'domain', description: 'Your Atlassian site subdomain (the part before .atlassian.net). With OAuth, set the base URL to https://api.atlassian.com/ex/confluence/<cloudId>/wiki instead.' }],
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://auth.atlassian.com/authorize',
      tokenUrl: 'https://auth.atlassian.com/oauth/token',
      scopes: ['read:page:confluence', 'write:page:confluence', 'read:space:confluence', 'read:comment:confluence', 'write:comment:confluence', 'search:confluence', 'offline_access'],
      availableScopes: ['read:page:confluence', 'write:page:confluence', 'delete:page:confluence', 'read:space:confluence', 'read:comment:confluence', 'write:comment:confluence', 'search:confluence', 'read:confluence-content.all', 'write:confluence-content', 'offline_access'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: true,
      extraAuthorizationParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    },
    // Atlassian account e-mail as the user name, an API token as the password.
    { type: 'basic' },
  ],
  resources: [
    { id: 'spaces', name: 'Spaces' },
    { id: 'pages', name: 'Pages' },
    { id: 'comments', name: 'Comments' },
    { id: 'search', name: 'Search' },
  ],
  actions: [
    action('spaces_list', 'spaces', 'GET', '/api/v2/spaces', 'List spaces', [...page, query('keys', 'array', 'Only these space keys.'), query('type', 'string', 'global or personal.')], { pagination: link, response: { itemsPath: 'results', itemFields: ['id', 'key', 'name', 'type', 'status'] } }),
    action('pages_list', 'pages', 'GET', '/api/v2/pages', 'List pages', [...page, query('space-id', 'array', 'Only pages in these space ids.'), query('title', 'string', 'Exact title.'), query('status', 'array', 'current, archived, draft, trashed.'), query('sort', 'string', 'e.g. -modified-date.')], { pagination: link, response: { itemsPath: 'results', itemFields: pageFields } }),
    action('space_pages_list', 'pages', 'GET', '/api/v2/spaces/{id}/pages', 'List pages in a space', [pathParam('id', 'Space id (numeric, from spaces_list).'), ...page, query('depth', 'string', 'all or root.')], { pagination: link, response: { itemsPath: 'results', itemFields: pageFields } }),
    action('page_get', 'pages', 'GET', '/api/v2/pages/{id}', 'Get a page with its body', [pathParam('id', 'Page id.'), query('body-format', 'string', 'storage, atlas_doc_format or view.')], { response: { fields: ['id', 'title', 'status', 'spaceId', 'parentId', 'version', 'body', '_links'] } }),
    action('page_create', 'pages', 'POST', '/api/v2/pages', 'Create a page', [body('spaceId', 'string', 'Space id (numeric).', true), body('title', 'string', 'Page title.', true), storageBody, body('parentId', 'string', 'Parent page id.'), body('status', 'string', 'current (default) or draft.')], { response: { fields: ['id', 'title', 'version', '_links'] } }),
    action('page_update', 'pages', 'PUT', '/api/v2/pages/{id}', 'Update a page (new version)', [pathParam('id', 'Page id.'), body('id', 'string', 'The same page id.', true), body('status', 'string', 'current or draft.', true), body('title', 'string', 'Page title.', true), storageBody, body('version', 'object', '{"number": <current version + 1>, "message": "..."}.', true)], { idempotent: false, response: { fields: ['id', 'title', 'version', '_links'] } }),
    action('page_delete', 'pages', 'DELETE', '/api/v2/pages/{id}', 'Move a page to the trash', [pathParam('id', 'Page id.')]),
    action('footer_comment_create', 'comments', 'POST', '/api/v2/footer-comments', 'Comment on a page', [body('pageId', 'string', 'Page id.', true), storageBody], { response: { fields: ['id', 'version', '_links'] } }),
    action('page_footer_comments_list', 'comments', 'GET', '/api/v2/pages/{id}/footer-comments', 'List comments on a page', [pathParam('id', 'Page id.'), ...page, query('body-format', 'string', 'storage or atlas_doc_format.')], { pagination: link, response: { itemsPath: 'results', itemFields: ['id', 'status', 'title', 'body', 'version'] } }),
    action('search_cql', 'search', 'GET', '/rest/api/search', 'Search content with CQL', [query('cql', 'string', 'CQL, e.g. type=page AND space=ENG AND text~"release".', true), query('limit', 'integer', 'Results per page.'), query('cursor', 'string', 'Cursor of the next page.')], { pagination: { style: 'cursor', cursorParam: 'cursor', cursorPath: '_links.next', limitParam: 'limit' }, response: { itemsPath: 'results', itemFields: ['content', 'title', 'excerpt', 'url', 'lastModified'] } }),
  ],
  rateLimit: { requestsPerSecond: 10, burst: 20, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-remaining' } },
  source: { kind: 'hand-written', spec: 'https://developer.atlassian.com/cloud/confluence/rest/v2/intro/', version: 'v2' },
};
export default def;
