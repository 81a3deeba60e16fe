// Pipedrive API v1, https://developers.pipedrive.com/docs/api/v1
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const offset = { style: 'offset', pageParam: 'start', limitParam: 'limit' } as const;
const page = [query('start', 'integer', 'Offset of the first item (additional_data.pagination.next_start).'), query('limit', 'integer', 'Items per page (max 500).')];
const def: ConnectorDefinitionInput = {
  id: 'pipedrive',
  name: 'Pipedrive',
  category: 'crm',
  description: 'Sales CRM: deals, persons, organizations, activities, notes and search via the Pipedrive API.',
  baseUrl: 'https://{company}.pipedrive.com/api/v1',
  baseUrlVariables: [{ name: 'company', description: 'Your Pipedrive company domain (the part before .pipedrive.com; OAuth returns it as api_domain).' }],
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://oauth.pipedrive.com/oauth/authorize',
      tokenUrl: 'https://oauth.pipedrive.com/oauth/token',
      // Scopes are chosen when the app is registered in Pipedrive's Developer Hub, not per request.
      scopes: [],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: false,
    },
    { type: 'apiKey', in: 'query', name: 'api_token' },
  ],
  resources: [
    { id: 'deals', name: 'Deals' },
    { id: 'persons', name: 'Persons' },
    { id: 'organizations', name: 'Organizations' },
    { id: 'activities', name: 'Activities' },
    { id: 'notes', name: 'Notes' },
    { id: 'search', name: 'Search' },
  ],
  actions: [
    action('deals_list', 'deals', 'GET', '/deals', 'List deals', [...page, query('status', 'string', 'open, won, lost, deleted or all_not_deleted.'), query('user_id', 'integer', 'Owner.'), query('stage_id', 'integer', 'Stage.')], { pagination: offset, response: { itemsPath: 'data', itemFields: ['id', 'title', 'value', 'currency', 'status', 'stage_id', 'person_name', 'org_name', 'update_time'] } }),
    action('deal_get', 'deals', 'GET', '/deals/{id}', 'Get a deal', [pathParam('id', 'Deal id.')], { response: { fields: ['data'] } }),
    action('deal_create', 'deals', 'POST', '/deals', 'Create a deal', [body('title', 'string', 'Deal title.', true), body('value', 'number', 'Deal value.'), body('currency', 'string', 'ISO currency code.'), body('person_id', 'integer', 'Linked person.'), body('org_id', 'integer', 'Linked organization.'), body('stage_id', 'integer', 'Pipeline stage.'), body('status', 'string', 'open, won or lost.'), body('expected_close_date', 'string', 'YYYY-MM-DD.')], { response: { fields: ['data'] } }),
    action('deal_update', 'deals', 'PUT', '/deals/{id}', 'Update a deal', [pathParam('id', 'Deal id.'), body('title', 'string', 'Deal title.'), body('value', 'number', 'Deal value.'), body('stage_id', 'integer', 'Pipeline stage.'), body('status', 'string', 'open, won or lost.'), body('lost_reason', 'string', 'Why it was lost.')], { response: { fields: ['data'] } }),
    action('persons_list', 'persons', 'GET', '/persons', 'List persons', [...page], { pagination: offset, response: { itemsPath: 'data', itemFields: ['id', 'name', 'email', 'phone', 'org_name'] } }),
    action('person_create', 'persons', 'POST', '/persons', 'Create a person', [body('name', 'string', 'Full name.', true), body('email', 'array', '[{"value":"a@b.c","primary":true}].'), body('phone', 'array', '[{"value":"+1...","primary":true}].'), body('org_id', 'integer', 'Organization.')], { response: { fields: ['data'] } }),
    action('organizations_list', 'organizations', 'GET', '/organizations', 'List organizations', [...page], { pagination: offset, response: { itemsPath: 'data', itemFields: ['id', 'name', 'address', 'people_count', 'open_deals_count'] } }),
    action('organization_create', 'organizations', 'POST', '/organizations', 'Create an organization', [body('name', 'string', 'Organization name.', true), body('address', 'string', 'Postal address.')], { response: { fields: ['data'] } }),
    action('activity_create', 'activities', 'POST', '/activities', 'Create an activity (call, meeting, task, ...)', [body('subject', 'string', 'Subject.', true), body('type', 'string', 'Activity type key, e.g. call, meeting, task.'), body('due_date', 'string', 'YYYY-MM-DD.'), body('due_time', 'string', 'HH:MM.'), body('deal_id', 'integer', 'Linked deal.'), body('person_id', 'integer', 'Linked person.'), body('note', 'string', 'HTML note.')], { response: { fields: ['data'] } }),
    action('note_create', 'notes', 'POST', '/notes', 'Add a note', [body('content', 'string', 'Note HTML.', true), body('deal_id', 'integer', 'Attach to a deal.'), body('person_id', 'integer', 'Attach to a person.'), body('org_id', 'integer', 'Attach to an organization.')], { response: { fields: ['data'] } }),
    action('item_search', 'search', 'GET', '/itemSearch', 'Search deals, persons, organizations, products', [query('term', 'string', 'At least 2 characters.', true), query('item_types', 'string', 'Comma-separated: deal,person,organization,product,lead,file,mail_attachment.'), query('limit', 'integer', 'Results per page.'), query('start', 'integer', 'Offset.')], { pagination: offset, response: { itemsPath: 'data.items', itemFields: ['result_score', 'item'] } }),
  ],
  rateLimit: { requestsPerSecond: 10, burst: 20, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetUnit: 'seconds-from-now' } },
  source: { kind: 'hand-written', spec: 'https://developers.pipedrive.com/docs/api/v1', version: 'v1' },
};
export default def;
