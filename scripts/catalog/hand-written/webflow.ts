// Webflow Data API v2, https://developers.webflow.com/data/reference (Webflow's own OpenAPI document: webflow/js-webflow-api .mock/v2-data.yml)
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const site = pathParam('site_id', 'Site id (see sites_list).');
const collection = pathParam('collection_id', 'Collection id (see collections_list).');
const item = pathParam('item_id', 'Item id.');
const page = [query('offset', 'integer', 'Items to skip.'), query('limit', 'integer', 'Max 100.')];
const offset = { style: 'offset', pageParam: 'offset', limitParam: 'limit' } as const;
const itemFields = ['id', 'fieldData', 'isDraft', 'isArchived', 'lastPublished', 'lastUpdated'];
const def: ConnectorDefinitionInput = {
  id: 'webflow',
  name: 'Webflow',
  category: 'marketing',
  description: 'Websites and CMS: sites and publishing, CMS collections and items (create, update, publish), pages and form submissions via the Webflow Data API v2.',
  baseUrl: 'https://api.webflow.com/v2',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://webflow.com/oauth/authorize',
      tokenUrl: 'https://api.webflow.com/oauth/token',
      scopes: ['sites:read', 'sites:write', 'cms:read', 'cms:write', 'pages:read', 'forms:read'],
      availableScopes: ['authorized_user:read', 'assets:read', 'assets:write', 'cms:read', 'cms:write', 'comments:read', 'custom_code:read', 'custom_code:write', 'ecommerce:read', 'ecommerce:write', 'forms:read', 'forms:write', 'pages:read', 'pages:write', 'sites:read', 'sites:write', 'users:read', 'users:write'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
    },
    // A site API token (Site settings → Apps & integrations).
    { type: 'bearer' },
  ],
  resources: [
    { id: 'sites', name: 'Sites' },
    { id: 'collections', name: 'CMS collections' },
    { id: 'items', name: 'CMS items' },
    { id: 'pages', name: 'Pages' },
    { id: 'forms', name: 'Forms' },
  ],
  actions: [
    action('sites_list', 'sites', 'GET', '/sites', 'List sites', [], { response: { itemsPath: 'sites', itemFields: ['id', 'displayName', 'shortName', 'lastPublished', 'customDomains'] } }),
    action('site_get', 'sites', 'GET', '/sites/{site_id}', 'Get a site', [site], { response: { fields: ['id', 'displayName', 'shortName', 'lastPublished', 'lastUpdated', 'customDomains', 'locales'] } }),
    action('site_publish', 'sites', 'POST', '/sites/{site_id}/publish', 'Publish a site', [site, body('customDomains', 'array', 'Custom domain ids to publish to.', false, { schema: { type: 'array', items: { type: 'string' } } }), body('publishToWebflowSubdomain', 'boolean', 'Publish to the webflow.io subdomain too.')], { response: { fields: ['customDomains', 'publishToWebflowSubdomain'] } }),
    action('collections_list', 'collections', 'GET', '/sites/{site_id}/collections', 'List CMS collections', [site], { response: { itemsPath: 'collections', itemFields: ['id', 'displayName', 'singularName', 'slug', 'lastUpdated'] } }),
    action('collection_get', 'collections', 'GET', '/collections/{collection_id}', 'Get a collection and its fields', [collection], { response: { fields: ['id', 'displayName', 'singularName', 'slug', 'fields'] } }),
    action('items_list', 'items', 'GET', '/collections/{collection_id}/items', 'List collection items (staged)', [collection, ...page, query('name', 'string', 'Only items with this name.'), query('slug', 'string', 'Only the item with this slug.'), { ...query('sortBy', 'string', 'lastPublished, name or slug.'), enum: ['lastPublished', 'name', 'slug'] }, { ...query('sortOrder', 'string', 'asc or desc.'), enum: ['asc', 'desc'] }], { pagination: offset, response: { itemsPath: 'items', itemFields } }),
    action('item_get', 'items', 'GET', '/collections/{collection_id}/items/{item_id}', 'Get a collection item', [collection, item], { response: { fields: itemFields } }),
    action('item_create', 'items', 'POST', '/collections/{collection_id}/items', 'Create a collection item (staged)', [collection, body('fieldData', 'object', 'Field values by field slug; name and slug are required: {"name":"Foo","slug":"foo"}.', true, { schema: { type: 'object', required: ['name', 'slug'], properties: { name: { type: 'string' }, slug: { type: 'string' } } } }), body('isDraft', 'boolean', 'Keep it a draft.'), body('isArchived', 'boolean', 'Archive it.')], { response: { fields: itemFields } }),
    action('item_update', 'items', 'PATCH', '/collections/{collection_id}/items/{item_id}', 'Update a collection item (staged)', [collection, item, body('fieldData', 'object', 'Field values to change, by field slug.'), body('isDraft', 'boolean', 'Draft or not.'), body('isArchived', 'boolean', 'Archived or not.')], { response: { fields: itemFields } }),
    action('item_delete', 'items', 'DELETE', '/collections/{collection_id}/items/{item_id}', 'Delete a collection item', [collection, item]),
    action('items_publish', 'items', 'POST', '/collections/{collection_id}/items/publish', 'Publish collection items', [collection, body('itemIds', 'array', 'Ids of the items to publish.', true, { schema: { type: 'array', items: { type: 'string' } } })], { response: { fields: ['publishedItemIds', 'errors'] } }),
    action('pages_list', 'pages', 'GET', '/sites/{site_id}/pages', 'List pages', [site, ...page], { pagination: offset, response: { itemsPath: 'pages', itemFields: ['id', 'title', 'slug', 'publishedPath', 'draft', 'lastUpdated'] } }),
    action('forms_list', 'forms', 'GET', '/sites/{site_id}/forms', 'List forms', [site, ...page], { pagination: offset, response: { itemsPath: 'forms', itemFields: ['id', 'displayName', 'pageName', 'fields', 'lastUpdated'] } }),
    action('form_submissions_list', 'forms', 'GET', '/forms/{form_id}/submissions', 'List a form\'s submissions', [pathParam('form_id', 'Form id (see forms_list).'), ...page], { pagination: offset, response: { itemsPath: 'formSubmissions', itemFields: ['id', 'displayName', 'dateSubmitted', 'formResponse'] } }),
  ],
  // 60 requests a minute on the CMS and Starter plans (120 on higher plans).
  rateLimit: { requestsPerSecond: 1, burst: 10, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-remaining' } },
  source: { kind: 'hand-written', spec: 'https://developers.webflow.com/data/reference', version: 'v2' },
};
export default def;
