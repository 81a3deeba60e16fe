// ServiceNow REST API (Table API and Attachment API), https://docs.servicenow.com/bundle/latest/page/integrate/inbound-rest/concept/c_TableAPI.html
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const table = pathParam('tableName', 'Table name, e.g. incident, problem, change_request, sys_user, cmdb_ci.');
const sysId = pathParam('sys_id', 'The record\'s sys_id (32 hex characters).');
const display = query('sysparm_display_value', 'string', 'true: display values, false: actual values, all: both.');
const fields = query('sysparm_fields', 'string', 'Comma-separated fields to return (all when unset).');
const listParams = [
  query('sysparm_query', 'string', 'Encoded query, e.g. active=true^priority=1^ORDERBYDESCsys_updated_on.'),
  fields,
  query('sysparm_limit', 'integer', 'Records per page (default 10,000; keep it small).'),
  query('sysparm_offset', 'integer', 'Records to skip.'),
  display,
  query('sysparm_exclude_reference_link', 'boolean', 'Leave out the link of reference fields.'),
];
const offset = { style: 'offset', pageParam: 'sysparm_offset', limitParam: 'sysparm_limit' } as const;
const incidentFields = ['sys_id', 'number', 'short_description', 'state', 'priority', 'assigned_to', 'opened_at', 'sys_updated_on'];
const def: ConnectorDefinitionInput = {
  id: 'servicenow',
  name: 'ServiceNow',
  category: 'support',
  description: 'IT service management: incidents, problems, change requests, users and any table of the instance via the ServiceNow Table API; attachments via the Attachment API.',
  baseUrl: 'https://{instance}.service-now.com',
  baseUrlVariables: [{ name: 'instance', description: 'Your instance name (the part before .service-now.com).' }],
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://{instance}.service-now.com/oauth_auth.do',
      tokenUrl: 'https://{instance}.service-now.com/oauth_token.do',
      // ServiceNow grants what the user's roles allow; the "useraccount" scope is its default.
      scopes: ['useraccount'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
    },
    { type: 'basic' },
  ],
  resources: [
    { id: 'records', name: 'Table records', description: 'Any table: incident, problem, change_request, sys_user…' },
    { id: 'incidents', name: 'Incidents' },
    { id: 'changes', name: 'Change requests' },
    { id: 'users', name: 'Users' },
    { id: 'attachments', name: 'Attachments' },
  ],
  actions: [
    action('records_list', 'records', 'GET', '/api/now/table/{tableName}', 'List records of a table', [table, ...listParams], { pagination: offset, response: { itemsPath: 'result' } }),
    action('record_get', 'records', 'GET', '/api/now/table/{tableName}/{sys_id}', 'Get a record', [table, sysId, fields, display], { response: { fields: ['result'] } }),
    action('record_delete', 'records', 'DELETE', '/api/now/table/{tableName}/{sys_id}', 'Delete a record', [table, sysId]),
    action('incidents_list', 'incidents', 'GET', '/api/now/table/incident', 'List incidents', listParams, { pagination: offset, response: { itemsPath: 'result', itemFields: incidentFields } }),
    action('incident_get', 'incidents', 'GET', '/api/now/table/incident/{sys_id}', 'Get an incident', [sysId, fields, display], { response: { fields: ['result'] } }),
    action('incident_create', 'incidents', 'POST', '/api/now/table/incident', 'Open an incident', [
      body('short_description', 'string', 'One-line summary.', true),
      body('description', 'string', 'Details.'),
      body('caller_id', 'string', 'Caller (sys_id or user name).'),
      body('urgency', 'string', '1 (high), 2 (medium) or 3 (low).', false, { enum: ['1', '2', '3'] }),
      body('impact', 'string', '1 (high), 2 (medium) or 3 (low).', false, { enum: ['1', '2', '3'] }),
      body('category', 'string', 'e.g. inquiry, software, hardware, network.'),
      body('assignment_group', 'string', 'Group sys_id or name.'),
    ], { response: { fields: ['result'] } }),
    action('incident_update', 'incidents', 'PATCH', '/api/now/table/incident/{sys_id}', 'Update an incident (state, assignee, work notes)', [
      sysId,
      body('state', 'string', '1 New, 2 In Progress, 3 On Hold, 6 Resolved, 7 Closed.', false, { enum: ['1', '2', '3', '6', '7'] }),
      body('assigned_to', 'string', 'User sys_id or user name.'),
      body('work_notes', 'string', 'Internal note to add.'),
      body('comments', 'string', 'Comment visible to the caller.'),
      body('close_code', 'string', 'Resolution code when resolving.'),
      body('close_notes', 'string', 'Resolution notes when resolving.'),
    ], { response: { fields: ['result'] } }),
    action('change_requests_list', 'changes', 'GET', '/api/now/table/change_request', 'List change requests', listParams, { pagination: offset, response: { itemsPath: 'result', itemFields: ['sys_id', 'number', 'short_description', 'state', 'type', 'risk', 'start_date', 'end_date'] } }),
    action('change_request_create', 'changes', 'POST', '/api/now/table/change_request', 'Create a change request', [
      body('short_description', 'string', 'One-line summary.', true),
      body('description', 'string', 'Details.'),
      body('type', 'string', 'normal, standard or emergency.', false, { enum: ['normal', 'standard', 'emergency'] }),
      body('start_date', 'string', 'Planned start (yyyy-MM-dd HH:mm:ss).'),
      body('end_date', 'string', 'Planned end (yyyy-MM-dd HH:mm:ss).'),
      body('assignment_group', 'string', 'Group sys_id or name.'),
    ], { response: { fields: ['result'] } }),
    action('users_list', 'users', 'GET', '/api/now/table/sys_user', 'List users', listParams, { pagination: offset, response: { itemsPath: 'result', itemFields: ['sys_id', 'user_name', 'name', 'email', 'active', 'department'] } }),
    action('attachments_list', 'attachments', 'GET', '/api/now/attachment', 'List attachments', [query('sysparm_query', 'string', 'e.g. table_name=incident^table_sys_id=<sys_id>.'), query('sysparm_limit', 'integer', 'Records per page.'), query('sysparm_offset', 'integer', 'Records to skip.')], { pagination: offset, response: { itemsPath: 'result', itemFields: ['sys_id', 'file_name', 'content_type', 'size_bytes', 'table_name', 'table_sys_id', 'download_link'] } }),
  ],
  rateLimit: { requestsPerSecond: 5, burst: 10, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetUnit: 'epoch-seconds' } },
  source: { kind: 'hand-written', spec: 'https://developer.servicenow.com/dev.do#!/reference/api/latest/rest/c_TableAPI', version: 'now' },
};
export default def;
