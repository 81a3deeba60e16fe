// ClickUp API v2, https://clickup.com/api/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const task = pathParam('task_id', 'Task id.');
const taskFields = ['id', 'name', 'status', 'assignees', 'priority', 'due_date', 'url', 'date_updated'];
const def: ConnectorDefinitionInput = {
  id: 'clickup',
  name: 'ClickUp',
  category: 'productivity',
  description: 'Work management: workspaces, spaces, lists, tasks and comments via the ClickUp API v2.',
  baseUrl: 'https://api.clickup.com/api/v2',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://app.clickup.com/api',
      tokenUrl: 'https://api.clickup.com/api/v2/oauth/token',
      // The user picks the workspaces to grant; ClickUp has no scopes.
      scopes: [],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
    },
    // Personal tokens (pk_...) go in the Authorization header as they are.
    { type: 'apiKey', in: 'header', name: 'Authorization' },
  ],
  resources: [
    { id: 'workspaces', name: 'Workspaces' },
    { id: 'lists', name: 'Spaces and lists' },
    { id: 'tasks', name: 'Tasks' },
    { id: 'users', name: 'Users' },
  ],
  actions: [
    action('workspaces_list', 'workspaces', 'GET', '/team', 'List workspaces', [], { response: { itemsPath: 'teams', itemFields: ['id', 'name', 'members'] } }),
    action('spaces_list', 'lists', 'GET', '/team/{team_id}/space', 'List spaces of a workspace', [pathParam('team_id', 'Workspace id.'), query('archived', 'boolean', 'Include archived.')], { response: { itemsPath: 'spaces', itemFields: ['id', 'name', 'private', 'statuses'] } }),
    action('lists_list', 'lists', 'GET', '/space/{space_id}/list', 'List folderless lists of a space', [pathParam('space_id', 'Space id.'), query('archived', 'boolean', 'Include archived.')], { response: { itemsPath: 'lists', itemFields: ['id', 'name', 'task_count', 'status'] } }),
    action('tasks_list', 'tasks', 'GET', '/list/{list_id}/task', 'List tasks of a list', [pathParam('list_id', 'List id.'), query('page', 'integer', 'Page (from 0; 100 tasks per page).'), query('statuses[]', 'array', 'Only these statuses.'), query('assignees[]', 'array', 'Only these assignee ids.'), query('include_closed', 'boolean', 'Include closed tasks.'), query('order_by', 'string', 'id, created, updated or due_date.')], { pagination: { style: 'page', pageParam: 'page' }, response: { itemsPath: 'tasks', itemFields: taskFields } }),
    action('task_get', 'tasks', 'GET', '/task/{task_id}', 'Get a task', [task, query('include_subtasks', 'boolean', 'Include subtasks.')], { response: { fields: ['id', 'name', 'description', 'status', 'assignees', 'priority', 'due_date', 'tags', 'url', 'list'] } }),
    action('task_create', 'tasks', 'POST', '/list/{list_id}/task', 'Create a task', [pathParam('list_id', 'List id.'), body('name', 'string', 'Task name.', true), body('description', 'string', 'Plain-text description (or markdown_description).'), body('markdown_description', 'string', 'Markdown description.'), body('assignees', 'array', 'User ids.'), body('status', 'string', 'Status name.'), body('priority', 'integer', '1 urgent, 2 high, 3 normal, 4 low.'), body('due_date', 'integer', 'Unix milliseconds.'), body('tags', 'array', 'Tag names.')], { response: { fields: ['id', 'name', 'status', 'url'] } }),
    action('task_update', 'tasks', 'PUT', '/task/{task_id}', 'Update a task', [task, body('name', 'string', 'Task name.'), body('description', 'string', 'Description.'), body('status', 'string', 'Status name.'), body('priority', 'integer', '1-4.'), body('due_date', 'integer', 'Unix milliseconds.'), body('assignees', 'object', '{"add":[<user id>],"rem":[<user id>]}.')], { response: { fields: ['id', 'name', 'status', 'url'] } }),
    action('task_comment_create', 'tasks', 'POST', '/task/{task_id}/comment', 'Comment on a task', [task, body('comment_text', 'string', 'Comment text.', true), body('notify_all', 'boolean', 'Notify everyone on the task.', true), body('assignee', 'integer', 'Assign the comment to this user.')], { response: { fields: ['id', 'hist_id', 'date'] } }),
    action('user_get', 'users', 'GET', '/user', 'Show the authenticated user', [], { response: { fields: ['user'] } }),
  ],
  rateLimit: { requestsPerSecond: 1.6, burst: 100, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetUnit: 'epoch-seconds' } },
  source: { kind: 'hand-written', spec: 'https://clickup.com/api/developer-portal/rate-limits/', version: 'v2' },
};
export default def;
