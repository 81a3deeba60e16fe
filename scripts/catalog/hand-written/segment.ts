// Segment Public API, https://docs.segmentapis.com/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

/** Segment versions its API by media type; its documentation sends this one. */
const accept = { name: 'Accept', in: 'header', type: 'string', required: false, default: 'application/vnd.segment.v1+json', description: 'The API version.' } as const;
const page = [query('pagination.count', 'integer', 'Items per page (max 200).'), query('pagination.cursor', 'string', 'From data.pagination.next.')];
const cursor = (list: string) => ({ pagination: { style: 'cursor', cursorParam: 'pagination.cursor', cursorPath: 'data.pagination.next', limitParam: 'pagination.count' } as const, response: { itemsPath: `data.${list}` } });
const def: ConnectorDefinitionInput = {
  id: 'segment',
  name: 'Segment',
  category: 'analytics',
  description: 'Customer data platform: the workspace, sources, destinations, warehouses, tracking plans and the source catalogue via the Segment Public API.',
  baseUrl: 'https://{host}',
  baseUrlVariables: [{ name: 'host', description: 'api.segmentapis.com (US workspaces) or eu1.api.segmentapis.com (EU).', default: 'api.segmentapis.com' }],
  // A Public API token (Settings → Access Management → Tokens).
  authMethods: [{ type: 'bearer' }],
  resources: [
    { id: 'workspace', name: 'Workspace' },
    { id: 'sources', name: 'Sources' },
    { id: 'destinations', name: 'Destinations' },
    { id: 'warehouses', name: 'Warehouses' },
    { id: 'tracking-plans', name: 'Tracking plans' },
    { id: 'catalog', name: 'Catalogue' },
  ],
  actions: [
    action('workspace_get', 'workspace', 'GET', '/', 'Show the workspace', [accept], { response: { fields: ['data'] } }),
    action('sources_list', 'sources', 'GET', '/sources', 'List sources', [accept, ...page], cursor('sources')),
    action('source_get', 'sources', 'GET', '/sources/{sourceId}', 'Get a source', [accept, pathParam('sourceId', 'Source id.')], { response: { fields: ['data'] } }),
    action('source_create', 'sources', 'POST', '/sources', 'Create a source', [
      accept,
      body('slug', 'string', 'Slug of the new source.', true),
      body('enabled', 'boolean', 'Accept data now.', true),
      body('metadataId', 'string', 'Catalogue id of the source kind (see catalog_sources_list).', true),
      body('settings', 'object', 'Settings the source kind defines.'),
    ], { response: { fields: ['data'] } }),
    action('source_update', 'sources', 'PATCH', '/sources/{sourceId}', 'Update a source (name, slug, enabled)', [accept, pathParam('sourceId', 'Source id.'), body('name', 'string', 'New name.'), body('slug', 'string', 'New slug.'), body('enabled', 'boolean', 'Accept data.')], { response: { fields: ['data'] } }),
    action('source_connected_destinations', 'sources', 'GET', '/sources/{sourceId}/connected-destinations', 'List the destinations a source sends to', [accept, pathParam('sourceId', 'Source id.'), ...page], cursor('destinations')),
    action('destinations_list', 'destinations', 'GET', '/destinations', 'List destinations', [accept, ...page], cursor('destinations')),
    action('destination_get', 'destinations', 'GET', '/destinations/{destinationId}', 'Get a destination', [accept, pathParam('destinationId', 'Destination id.')], { response: { fields: ['data'] } }),
    action('warehouses_list', 'warehouses', 'GET', '/warehouses', 'List warehouses', [accept, ...page], cursor('warehouses')),
    action('tracking_plans_list', 'tracking-plans', 'GET', '/tracking-plans', 'List tracking plans', [accept, ...page], cursor('trackingPlans')),
    action('catalog_sources_list', 'catalog', 'GET', '/catalog/sources', 'List the kinds of source Segment offers', [accept, ...page], cursor('sourcesCatalog')),
  ],
  rateLimit: { requestsPerSecond: 10, burst: 20, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetUnit: 'epoch-ms' } },
  source: { kind: 'hand-written', spec: 'https://docs.segmentapis.com/', version: 'v1' },
};
export default def;
