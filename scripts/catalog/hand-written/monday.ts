// monday.com GraphQL API, https://developer.monday.com/api-reference/docs
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { body, graphql } from './_helpers.js';

const version = body('API-Version', 'string', 'API version (monday.com dates its API).', false, { default: '2024-10' });
const withVersion = (a: ReturnType<typeof graphql>): ReturnType<typeof graphql> => ({ ...a, parameters: [...a.parameters, { ...version, in: 'header' }] });
const def: ConnectorDefinitionInput = {
  id: 'monday',
  name: 'monday.com',
  category: 'productivity',
  description: 'Work management: boards, items, column values and updates via the monday.com GraphQL API.',
  baseUrl: 'https://api.monday.com',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://auth.monday.com/oauth2/authorize',
      tokenUrl: 'https://auth.monday.com/oauth2/token',
      scopes: ['me:read', 'boards:read', 'boards:write', 'updates:write'],
      availableScopes: ['me:read', 'boards:read', 'boards:write', 'workspaces:read', 'workspaces:write', 'users:read', 'users:write', 'account:read', 'updates:read', 'updates:write', 'assets:read', 'tags:read', 'teams:read', 'webhooks:write'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
    },
    // Personal API tokens go in the Authorization header as they are.
    { type: 'apiKey', in: 'header', name: 'Authorization' },
  ],
  resources: [
    { id: 'boards', name: 'Boards' },
    { id: 'items', name: 'Items' },
    { id: 'updates', name: 'Updates' },
    { id: 'users', name: 'Users' },
  ],
  actions: [
    graphql('boards_list', 'boards', 'List boards', 'query Boards($limit: Int, $page: Int) { boards(limit: $limit, page: $page) { id name state board_kind workspace_id columns { id title type } } }', {
      description: '{"limit":25,"page":1}; optional.',
      required: false,
    }, { path: '/v2', response: { itemsPath: 'data.boards', itemFields: ['id', 'name', 'state', 'workspace_id'] } }),
    graphql('items_list', 'items', 'List items of a board', 'query Items($boardId: [ID!], $limit: Int, $cursor: String) { boards(ids: $boardId) { items_page(limit: $limit, cursor: $cursor) { cursor items { id name state group { title } column_values { id text } } } } }', {
      description: '{"boardId":["1234567890"],"limit":50,"cursor":"<cursor from the previous page>"}.',
      required: true,
    }, { path: '/v2', response: { itemsPath: 'data.boards.0.items_page.items', itemFields: ['id', 'name', 'group', 'column_values'] } }),
    graphql('item_create', 'items', 'Create an item', 'mutation CreateItem($boardId: ID!, $itemName: String!, $groupId: String, $columnValues: JSON) { create_item(board_id: $boardId, item_name: $itemName, group_id: $groupId, column_values: $columnValues) { id name } }', {
      description: '{"boardId":"123","itemName":"...","groupId":"topics","columnValues":"{\\"status\\":{\\"label\\":\\"Done\\"}}"} (columnValues is a JSON string).',
      required: true,
    }, { path: '/v2' }),
    graphql('item_update_columns', 'items', 'Change column values of an item', 'mutation ChangeValues($boardId: ID!, $itemId: ID!, $columnValues: JSON!) { change_multiple_column_values(board_id: $boardId, item_id: $itemId, column_values: $columnValues) { id name } }', {
      description: '{"boardId":"123","itemId":"456","columnValues":"{\\"status\\":{\\"label\\":\\"Working on it\\"}}"}.',
      required: true,
    }, { path: '/v2' }),
    graphql('update_create', 'updates', 'Post an update (comment) on an item', 'mutation CreateUpdate($itemId: ID!, $body: String!) { create_update(item_id: $itemId, body: $body) { id } }', {
      description: '{"itemId":"456","body":"HTML or text"}.',
      required: true,
    }, { path: '/v2' }),
    graphql('me', 'users', 'Show the authenticated user and account', 'query Me { me { id name email account { id name slug } } }', undefined, { path: '/v2' }),
  ].map(withVersion),
  rateLimit: { requestsPerSecond: 16, burst: 40, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://developer.monday.com/api-reference/docs/rate-limits', version: '2024-10' },
};
export default def;
