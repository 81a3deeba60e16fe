// HubSpot CRM v3 API, https://developers.hubspot.com/docs/api/crm
import type { ActionDefinitionInput, ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const cursor = { style: 'cursor', cursorParam: 'after', cursorPath: 'paging.next.after', limitParam: 'limit' } as const;
const objects = ['contacts', 'companies', 'deals', 'tickets'] as const;

function crud(obj: (typeof objects)[number]): ActionDefinitionInput[] {
  const idParam = pathParam(`${obj.slice(0, -1)}Id`.replace('companieId', 'companyId'));
  const idName = idParam.name;
  return [
    action(`${obj}_list`, obj, 'GET', `/crm/v3/objects/${obj}`, `List ${obj}`, [query('limit', 'integer', 'Max 100.'), query('after', 'string', 'Paging cursor.'), query('properties', 'string', 'Comma-separated property names to return.'), query('associations', 'string'), query('archived', 'boolean')], { pagination: cursor, response: { itemsPath: 'results', itemFields: ['id', 'properties', 'createdAt', 'updatedAt'], fields: ['results', 'paging'] } }),
    action(`${obj}_get`, obj, 'GET', `/crm/v3/objects/${obj}/{${idName}}`, `Get a ${obj.slice(0, -1)}`, [idParam, query('properties', 'string'), query('associations', 'string'), query('idProperty', 'string')], { response: { fields: ['id', 'properties', 'createdAt', 'updatedAt', 'associations'] } }),
    action(`${obj}_create`, obj, 'POST', `/crm/v3/objects/${obj}`, `Create a ${obj.slice(0, -1)}`, [body('properties', 'object', 'Property values, e.g. {"email":"a@b.com"}.', true), body('associations', 'array')], { response: { fields: ['id', 'properties', 'createdAt'] } }),
    action(`${obj}_update`, obj, 'PATCH', `/crm/v3/objects/${obj}/{${idName}}`, `Update a ${obj.slice(0, -1)}`, [idParam, body('properties', 'object', 'Property values to set.', true)], { response: { fields: ['id', 'properties', 'updatedAt'] } }),
    action(`${obj}_archive`, obj, 'DELETE', `/crm/v3/objects/${obj}/{${idName}}`, `Archive a ${obj.slice(0, -1)}`, [idParam]),
    action(`${obj}_search`, obj, 'POST', `/crm/v3/objects/${obj}/search`, `Search ${obj}`, [body('filterGroups', 'array', 'Filter groups (OR of ANDed filters).'), body('query', 'string', 'Free-text search.'), body('sorts', 'array'), body('properties', 'array', 'Properties to return.', false, { schema: { type: 'array', items: { type: 'string' } } }), body('limit', 'integer'), body('after', 'string')], { idempotent: true, response: { itemsPath: 'results', itemFields: ['id', 'properties'], fields: ['total', 'results', 'paging'] } }),
  ];
}

const def: ConnectorDefinitionInput = {
  id: 'hubspot',
  name: 'HubSpot',
  category: 'crm',
  description: 'CRM: contacts, companies, deals, tickets, notes, owners and pipelines via the HubSpot CRM v3 API.',
  baseUrl: 'https://api.hubapi.com',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://app.hubspot.com/oauth/authorize',
      tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
      scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.objects.deals.write'],
      availableScopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.objects.deals.write', 'crm.objects.owners.read', 'crm.schemas.contacts.read', 'crm.schemas.deals.read', 'tickets', 'oauth'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
    },
    { type: 'bearer' },
  ],
  resources: [
    { id: 'contacts', name: 'Contacts' },
    { id: 'companies', name: 'Companies' },
    { id: 'deals', name: 'Deals' },
    { id: 'tickets', name: 'Tickets' },
    { id: 'notes', name: 'Notes' },
    { id: 'owners', name: 'Owners' },
    { id: 'pipelines', name: 'Pipelines' },
    { id: 'associations', name: 'Associations' },
  ],
  actions: [
    ...objects.flatMap(crud),
    action('notes_create', 'notes', 'POST', '/crm/v3/objects/notes', 'Create a note', [body('properties', 'object', 'e.g. {"hs_note_body":"...","hs_timestamp":"2024-01-01T00:00:00Z"}.', true), body('associations', 'array', 'Records to attach the note to.')], { response: { fields: ['id', 'properties'] } }),
    action('owners_list', 'owners', 'GET', '/crm/v3/owners', 'List owners', [query('email', 'string'), query('limit', 'integer'), query('after', 'string')], { pagination: cursor, response: { itemsPath: 'results', itemFields: ['id', 'email', 'firstName', 'lastName', 'userId'] } }),
    action('pipelines_list', 'pipelines', 'GET', '/crm/v3/pipelines/{objectType}', 'List pipelines and stages', [pathParam('objectType', 'deals or tickets.')], { response: { itemsPath: 'results', itemFields: ['id', 'label', 'stages'] } }),
    action('associations_create_default', 'associations', 'PUT', '/crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}', 'Associate two records (default type)', [pathParam('fromObjectType'), pathParam('fromObjectId'), pathParam('toObjectType'), pathParam('toObjectId')]),
  ],
  rateLimit: { requestsPerSecond: 10, burst: 100, headers: { retryAfter: 'retry-after', remaining: 'x-hubspot-ratelimit-remaining' } },
  source: { kind: 'hand-written', spec: 'https://developers.hubspot.com/docs/api/crm', version: 'v3' },
};
export default def;
