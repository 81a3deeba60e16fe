// Salesforce REST API, https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const sobject = pathParam('sobject', 'SObject API name, e.g. Account, Contact, Lead, Opportunity, Case.');
const id = pathParam('id', 'Record id (15 or 18 chars).');
const def: ConnectorDefinitionInput = {
  id: 'salesforce',
  name: 'Salesforce',
  category: 'crm',
  description: 'CRM: query with SOQL, search with SOSL and create, read, update and delete records of any object via the Salesforce REST API.',
  baseUrl: 'https://{instance}.my.salesforce.com/services/data/{version}',
  baseUrlVariables: [
    { name: 'instance', description: 'My Domain name of the org (from the token response instance_url).' },
    { name: 'version', description: 'REST API version.', default: 'v61.0' },
  ],
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://login.salesforce.com/services/oauth2/authorize',
      tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
      revocationUrl: 'https://login.salesforce.com/services/oauth2/revoke',
      scopes: ['api', 'refresh_token'],
      availableScopes: ['api', 'refresh_token', 'offline_access', 'id', 'profile', 'email', 'openid', 'full', 'chatter_api'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: true,
    },
    { type: 'bearer' },
  ],
  resources: [
    { id: 'query', name: 'Query (SOQL/SOSL)' },
    { id: 'sobjects', name: 'SObjects' },
    { id: 'limits', name: 'Limits' },
  ],
  actions: [
    action('query', 'query', 'GET', '/query', 'Run a SOQL query', [query('q', 'string', 'SOQL, e.g. SELECT Id, Name FROM Account LIMIT 10.', true)], { response: { itemsPath: 'records', itemFields: ['Id', 'attributes'], fields: ['totalSize', 'done', 'records', 'nextRecordsUrl'] } }),
    action('query_more', 'query', 'GET', '/query/{queryLocator}', 'Fetch the next batch of a SOQL query', [pathParam('queryLocator', 'Last segment of nextRecordsUrl.')], { response: { itemsPath: 'records', fields: ['totalSize', 'done', 'records', 'nextRecordsUrl'] } }),
    action('search', 'query', 'GET', '/search', 'Run a SOSL search', [query('q', 'string', 'SOSL, e.g. FIND {Acme} IN ALL FIELDS RETURNING Account(Id, Name).', true)], { response: { itemsPath: 'searchRecords', fields: ['searchRecords'] } }),
    action('sobjects_list', 'sobjects', 'GET', '/sobjects', 'List objects', [], { response: { itemsPath: 'sobjects', itemFields: ['name', 'label', 'queryable', 'createable'], fields: ['encoding', 'maxBatchSize', 'sobjects'] } }),
    action('sobject_describe', 'sobjects', 'GET', '/sobjects/{sobject}/describe', 'Describe an object (fields, relationships)', [sobject], { response: { itemsPath: 'fields', itemFields: ['name', 'label', 'type', 'nillable', 'updateable'], fields: ['name', 'label', 'fields', 'childRelationships'] } }),
    action('record_get', 'sobjects', 'GET', '/sobjects/{sobject}/{id}', 'Get a record', [sobject, id, query('fields', 'string', 'Comma-separated field names.')], { response: { fields: ['Id', 'attributes'] } }),
    action('record_create', 'sobjects', 'POST', '/sobjects/{sobject}', 'Create a record', [sobject, body('fields', 'object', 'Pass the field values as top-level body properties, e.g. {"Name":"Acme"}.')], { response: { fields: ['id', 'success', 'errors'] } }),
    action('record_update', 'sobjects', 'PATCH', '/sobjects/{sobject}/{id}', 'Update a record', [sobject, id, body('fields', 'object', 'Field values to change (as top-level body properties).')]),
    action('record_upsert_by_external_id', 'sobjects', 'PATCH', '/sobjects/{sobject}/{externalIdField}/{externalId}', 'Upsert a record by external id', [sobject, pathParam('externalIdField'), pathParam('externalId'), body('fields', 'object')], { idempotent: true, response: { fields: ['id', 'created', 'success'] } }),
    action('record_delete', 'sobjects', 'DELETE', '/sobjects/{sobject}/{id}', 'Delete a record', [sobject, id]),
    action('limits', 'limits', 'GET', '/limits', 'Get org limits', [], { response: { fields: ['DailyApiRequests', 'DataStorageMB'] } }),
  ],
  rateLimit: { requestsPerSecond: 10, burst: 25, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/', version: 'v61.0' },
};
export default def;
