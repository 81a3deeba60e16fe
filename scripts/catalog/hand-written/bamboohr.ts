// BambooHR API, https://documentation.bamboohr.com/reference
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const employeeId = pathParam('id', 'Employee id (0 is the user the API key belongs to).');
const employeeFields = ['id', 'displayName', 'firstName', 'lastName', 'jobTitle', 'department', 'workEmail', 'location', 'supervisor'];
const def: ConnectorDefinitionInput = {
  id: 'bamboohr',
  name: 'BambooHR',
  category: 'hr',
  description: 'HR records: the employee directory, employee fields, new hires, time off requests and who is out via the BambooHR API.',
  baseUrl: 'https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1',
  baseUrlVariables: [{ name: 'companyDomain', description: 'Your BambooHR subdomain (mycompany in mycompany.bamboohr.com).' }],
  // BambooHR takes the API key as the Basic user name; the password can be any text (BambooHR's docs use "x").
  authMethods: [{ type: 'basic' }],
  resources: [
    { id: 'employees', name: 'Employees' },
    { id: 'time-off', name: 'Time off' },
    { id: 'meta', name: 'Account metadata' },
  ],
  actions: [
    action('employee_directory', 'employees', 'GET', '/employees/directory', 'List the employee directory', [], { response: { itemsPath: 'employees', itemFields: employeeFields } }),
    action('employee_get', 'employees', 'GET', '/employees/{id}', 'Get an employee', [employeeId, query('fields', 'string', 'Comma-separated field names, e.g. firstName,lastName,jobTitle,hireDate,workEmail.', true), query('onlyCurrent', 'boolean', 'Leave out future-dated values.')], { response: {} }),
    action('employee_create', 'employees', 'POST', '/employees', 'Add an employee', [
      body('firstName', 'string', 'First name.', true),
      body('lastName', 'string', 'Last name.', true),
      body('workEmail', 'string', 'Work email.', false, { format: 'email' }),
      body('jobTitle', 'string', 'Job title.'),
      body('department', 'string', 'Department (a value of that list field).'),
      body('hireDate', 'string', 'yyyy-mm-dd.', false, { format: 'date' }),
    ], { description: 'Add an employee. The new id is at the end of the Location header of the answer.' }),
    action('employee_update', 'employees', 'POST', '/employees/{id}', 'Update an employee', [
      employeeId,
      body('jobTitle', 'string', 'Job title.'),
      body('department', 'string', 'Department.'),
      body('workEmail', 'string', 'Work email.', false, { format: 'email' }),
      body('mobilePhone', 'string', 'Mobile phone.'),
      body('location', 'string', 'Location.'),
    ], { idempotent: true }),
    action('time_off_requests_list', 'time-off', 'GET', '/time_off/requests', 'List time off requests', [
      query('start', 'string', 'yyyy-mm-dd: requests ending on or after.', true),
      query('end', 'string', 'yyyy-mm-dd: requests starting on or before.', true),
      query('employeeId', 'string', 'Only this employee.'),
      query('status', 'string', 'Comma-separated: approved, denied, superceded, requested, canceled.'),
      query('type', 'string', 'Comma-separated time off type ids.'),
    ], { response: { itemsPath: '', itemFields: ['id', 'employeeId', 'name', 'status', 'start', 'end', 'type', 'amount'] } }),
    action('time_off_request_create', 'time-off', 'PUT', '/employees/{id}/time_off/request', 'Request time off for an employee', [
      employeeId,
      body('status', 'string', 'requested, or approved when the key may approve.', true, { enum: ['requested', 'approved'] }),
      body('start', 'string', 'First day, yyyy-mm-dd.', true, { format: 'date' }),
      body('end', 'string', 'Last day, yyyy-mm-dd.', true, { format: 'date' }),
      body('timeOffTypeId', 'integer', 'Time off type id (see time_off_types_list).', true),
      body('amount', 'number', 'Days or hours, in the type\'s unit.'),
      body('notes', 'array', '[{"from":"employee","note":"..."}].'),
    ], { idempotent: false }),
    action('time_off_request_status', 'time-off', 'PUT', '/time_off/requests/{requestId}/status', 'Approve, deny or cancel a time off request', [
      pathParam('requestId', 'Time off request id.'),
      body('status', 'string', 'approved, denied or canceled.', true, { enum: ['approved', 'denied', 'canceled'] }),
      body('note', 'string', 'Note to the employee.'),
    ]),
    action('whos_out', 'time-off', 'GET', '/time_off/whos_out', 'List who is out', [query('start', 'string', 'yyyy-mm-dd (today when unset).'), query('end', 'string', 'yyyy-mm-dd (14 days on when unset).')], { response: { itemsPath: '', itemFields: ['id', 'type', 'employeeId', 'name', 'start', 'end'] } }),
    action('time_off_types_list', 'time-off', 'GET', '/meta/time_off/types', 'List time off types', [], { response: { fields: ['timeOffTypes', 'defaultHours'] } }),
    action('fields_list', 'meta', 'GET', '/meta/fields', 'List the account\'s employee fields', [], { response: { itemsPath: '', itemFields: ['id', 'name', 'type', 'alias'] } }),
  ],
  rateLimit: { requestsPerSecond: 5, burst: 10, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://documentation.bamboohr.com/reference', version: 'v1' },
};
export default def;
