// Okta Management API, https://developer.okta.com/docs/api/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const link = { style: 'link', limitParam: 'limit' } as const;
const page = [query('limit', 'integer', 'Max 200.'), query('after', 'string', 'Cursor from the Link header.')];
const user = pathParam('userId', 'User id or login.');
const def: ConnectorDefinitionInput = {
  id: 'okta',
  name: 'Okta',
  category: 'security',
  description: 'Identity management: users, lifecycle, groups, applications and the system log via the Okta Management API.',
  baseUrl: 'https://{domain}.okta.com',
  baseUrlVariables: [{ name: 'domain', description: 'Your Okta org subdomain (the part before .okta.com).' }],
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://{domain}.okta.com/oauth2/v1/authorize',
      tokenUrl: 'https://{domain}.okta.com/oauth2/v1/token',
      revocationUrl: 'https://{domain}.okta.com/oauth2/v1/revoke',
      scopes: ['okta.users.read', 'okta.users.manage', 'okta.groups.read', 'okta.groups.manage', 'okta.apps.read', 'okta.logs.read', 'offline_access'],
      availableScopes: ['okta.users.read', 'okta.users.manage', 'okta.groups.read', 'okta.groups.manage', 'okta.apps.read', 'okta.apps.manage', 'okta.logs.read', 'okta.factors.read', 'okta.roles.read', 'offline_access'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: true,
    },
    // API tokens are sent as "Authorization: SSWS <token>".
    { type: 'customHeaders', headers: [{ name: 'Authorization', description: '"SSWS <API token>" (Security > API > Tokens).' }] },
  ],
  resources: [
    { id: 'users', name: 'Users' },
    { id: 'groups', name: 'Groups' },
    { id: 'apps', name: 'Applications' },
    { id: 'logs', name: 'System log' },
  ],
  actions: [
    action('users_list', 'users', 'GET', '/api/v1/users', 'List or search users', [...page, query('q', 'string', 'Prefix match on name or e-mail.'), query('search', 'string', 'SCIM filter, e.g. profile.department eq "Engineering".'), query('filter', 'string', 'e.g. status eq "ACTIVE".')], { pagination: link, response: { itemsPath: '', itemFields: ['id', 'status', 'profile', 'lastLogin', 'created'] } }),
    action('user_get', 'users', 'GET', '/api/v1/users/{userId}', 'Get a user', [user], { response: { fields: ['id', 'status', 'profile', 'lastLogin', 'created', 'credentials'] } }),
    action('user_create', 'users', 'POST', '/api/v1/users', 'Create a user', [query('activate', 'boolean', 'Activate now (default true).'), body('profile', 'object', '{"firstName":"...","lastName":"...","email":"...","login":"..."}.', true), body('credentials', 'object', '{"password":{"value":"..."}} (optional).'), body('groupIds', 'array', 'Groups to join.')], { response: { fields: ['id', 'status', 'profile'] } }),
    action('user_update', 'users', 'POST', '/api/v1/users/{userId}', 'Update a user profile (partial)', [user, body('profile', 'object', 'Profile fields to change.', true)], { response: { fields: ['id', 'status', 'profile'] } }),
    action('user_deactivate', 'users', 'POST', '/api/v1/users/{userId}/lifecycle/deactivate', 'Deactivate a user', [user, query('sendEmail', 'boolean', 'E-mail the admin.')], { destructive: true }),
    action('user_groups_list', 'users', 'GET', '/api/v1/users/{userId}/groups', 'List groups of a user', [user], { response: { itemsPath: '', itemFields: ['id', 'type', 'profile'] } }),
    action('groups_list', 'groups', 'GET', '/api/v1/groups', 'List or search groups', [...page, query('q', 'string', 'Name prefix.'), query('search', 'string', 'SCIM filter.')], { pagination: link, response: { itemsPath: '', itemFields: ['id', 'type', 'profile'] } }),
    action('group_user_add', 'groups', 'PUT', '/api/v1/groups/{groupId}/users/{userId}', 'Add a user to a group', [pathParam('groupId', 'Group id.'), user]),
    action('group_user_remove', 'groups', 'DELETE', '/api/v1/groups/{groupId}/users/{userId}', 'Remove a user from a group', [pathParam('groupId', 'Group id.'), user]),
    action('apps_list', 'apps', 'GET', '/api/v1/apps', 'List applications', [...page, query('q', 'string', 'Name prefix.'), query('filter', 'string', 'e.g. status eq "ACTIVE".')], { pagination: link, response: { itemsPath: '', itemFields: ['id', 'name', 'label', 'status', 'signOnMode'] } }),
    action('logs_list', 'logs', 'GET', '/api/v1/logs', 'Read the system log', [query('since', 'string', 'ISO 8601 time.'), query('until', 'string', 'ISO 8601 time.'), query('filter', 'string', 'e.g. eventType eq "user.session.start".'), query('q', 'string', 'Keyword search.'), query('limit', 'integer', 'Max 1000.'), query('after', 'string', 'Cursor from the Link header.')], { pagination: link, response: { itemsPath: '', itemFields: ['uuid', 'published', 'eventType', 'displayMessage', 'actor', 'outcome'] } }),
  ],
  rateLimit: { requestsPerSecond: 10, burst: 20, headers: { retryAfter: 'retry-after', remaining: 'x-rate-limit-remaining', reset: 'x-rate-limit-reset', resetUnit: 'epoch-seconds' } },
  source: { kind: 'hand-written', spec: 'https://developer.okta.com/docs/reference/rl-global-mgmt/', version: 'v1' },
};
export default def;
