// Airtable Web API, https://airtable.com/developers/web/api/introduction
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const base = pathParam('baseId', 'Base id (app...).');
const table = pathParam('tableIdOrName', 'Table id (tbl...) or name.');
const rec = pathParam('recordId', 'Record id (rec...).');
const record = { fields: ['id', 'createdTime', 'fields'] };
const def: ConnectorDefinitionInput = {
  id: 'airtable',
  name: 'Airtable',
  category: 'productivity',
  description: 'Spreadsheet-database hybrid: list bases and tables, and list, create, update and delete records via the Airtable Web API.',
  baseUrl: 'https://api.airtable.com',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://airtable.com/oauth2/v1/authorize',
      tokenUrl: 'https://airtable.com/oauth2/v1/token',
      scopes: ['data.records:read', 'data.records:write', 'schema.bases:read'],
      availableScopes: ['data.records:read', 'data.records:write', 'data.recordComments:read', 'data.recordComments:write', 'schema.bases:read', 'schema.bases:write', 'user.email:read', 'webhook:manage'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: true,
    },
    { type: 'bearer' },
  ],
  resources: [
    { id: 'records', name: 'Records' },
    { id: 'bases', name: 'Bases' },
    { id: 'tables', name: 'Tables' },
    { id: 'comments', name: 'Comments' },
  ],
  actions: [
    action('records_list', 'records', 'GET', '/v0/{baseId}/{tableIdOrName}', 'List records', [base, table, query('view', 'string'), query('filterByFormula', 'string', 'Airtable formula, e.g. {Status}=\'Done\'.'), query('maxRecords', 'integer'), query('pageSize', 'integer', 'Max 100.'), query('offset', 'string', 'Paging cursor.'), query('sort', 'array'), query('fields', 'array')], { pagination: { style: 'cursor', cursorParam: 'offset', cursorPath: 'offset', limitParam: 'pageSize' }, response: { itemsPath: 'records', itemFields: ['id', 'createdTime', 'fields'], fields: ['records', 'offset'] } }),
    action('records_get', 'records', 'GET', '/v0/{baseId}/{tableIdOrName}/{recordId}', 'Get a record', [base, table, rec], { response: record }),
    action('records_create', 'records', 'POST', '/v0/{baseId}/{tableIdOrName}', 'Create records', [base, table, body('records', 'array', 'Up to 10 records: [{"fields":{...}}].'), body('fields', 'object', 'Fields of a single record (alternative to records).'), body('typecast', 'boolean')], { response: { itemsPath: 'records', fields: ['records', 'id', 'fields'] } }),
    action('records_update', 'records', 'PATCH', '/v0/{baseId}/{tableIdOrName}/{recordId}', 'Update a record', [base, table, rec, body('fields', 'object', 'Fields to change.', true), body('typecast', 'boolean')], { response: record }),
    action('records_update_many', 'records', 'PATCH', '/v0/{baseId}/{tableIdOrName}', 'Update or upsert up to 10 records', [base, table, body('records', 'array', '[{"id":"rec...","fields":{...}}].', true), body('performUpsert', 'object', '{"fieldsToMergeOn":["Name"]}.'), body('typecast', 'boolean')], { response: { itemsPath: 'records' } }),
    action('records_delete', 'records', 'DELETE', '/v0/{baseId}/{tableIdOrName}/{recordId}', 'Delete a record', [base, table, rec], { response: { fields: ['id', 'deleted'] } }),
    action('bases_list', 'bases', 'GET', '/v0/meta/bases', 'List bases', [query('offset', 'string')], { pagination: { style: 'cursor', cursorParam: 'offset', cursorPath: 'offset' }, response: { itemsPath: 'bases', itemFields: ['id', 'name', 'permissionLevel'] } }),
    action('tables_list', 'tables', 'GET', '/v0/meta/bases/{baseId}/tables', 'Get base schema (tables and fields)', [base], { response: { itemsPath: 'tables', itemFields: ['id', 'name', 'primaryFieldId', 'fields', 'views'] } }),
    action('tables_create', 'tables', 'POST', '/v0/meta/bases/{baseId}/tables', 'Create a table', [base, body('name', 'string', undefined, true), body('description', 'string'), body('fields', 'array', 'Field definitions.', true)], { response: { fields: ['id', 'name', 'fields'] } }),
    action('comments_list', 'comments', 'GET', '/v0/{baseId}/{tableIdOrName}/{recordId}/comments', 'List record comments', [base, table, rec, query('pageSize', 'integer'), query('offset', 'string')], { pagination: { style: 'cursor', cursorParam: 'offset', cursorPath: 'offset', limitParam: 'pageSize' }, response: { itemsPath: 'comments', itemFields: ['id', 'author', 'text', 'createdTime'] } }),
    action('comments_create', 'comments', 'POST', '/v0/{baseId}/{tableIdOrName}/{recordId}/comments', 'Comment on a record', [base, table, rec, body('text', 'string', undefined, true)], { response: { fields: ['id', 'text', 'createdTime'] } }),
  ],
  rateLimit: { requestsPerSecond: 5, burst: 5, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://airtable.com/developers/web/api/introduction', version: 'v0' },
};
export default def;
