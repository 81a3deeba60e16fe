// Linear GraphQL API, https://developers.linear.app/docs/graphql/working-with-the-graphql-api
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { graphql } from './_helpers.js';

const issueFields = 'id identifier title priority url updatedAt state { name } assignee { name } team { key }';
const def: ConnectorDefinitionInput = {
  id: 'linear',
  name: 'Linear',
  category: 'development',
  description: 'Issue tracking for software teams: list, search, create and update issues, comment, and list teams via the Linear GraphQL API.',
  baseUrl: 'https://api.linear.app',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://linear.app/oauth/authorize',
      tokenUrl: 'https://api.linear.app/oauth/token',
      revocationUrl: 'https://api.linear.app/oauth/revoke',
      scopes: ['read', 'write'],
      availableScopes: ['read', 'write', 'issues:create', 'comments:create', 'timeSchedule:write', 'admin'],
      scopeSeparator: ',',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: true,
    },
    // Personal API keys go in the Authorization header as they are, without "Bearer".
    { type: 'apiKey', in: 'header', name: 'Authorization' },
  ],
  resources: [
    { id: 'issues', name: 'Issues' },
    { id: 'comments', name: 'Comments' },
    { id: 'teams', name: 'Teams' },
    { id: 'users', name: 'Users' },
  ],
  actions: [
    graphql('issues_list', 'issues', 'List issues', `query Issues($first: Int, $after: String, $filter: IssueFilter) { issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt) { nodes { ${issueFields} } pageInfo { hasNextPage endCursor } } }`, {
      description: '{"first":50,"after":"<endCursor>","filter":{"team":{"key":{"eq":"ENG"}},"state":{"type":{"eq":"started"}}}}; all optional.',
      required: false,
    }, { response: { itemsPath: 'data.issues.nodes', itemFields: ['identifier', 'title', 'state', 'assignee', 'priority', 'url'] } }),
    graphql('issues_search', 'issues', 'Search issues by text', `query Search($term: String!, $first: Int) { searchIssues(term: $term, first: $first) { nodes { ${issueFields} } } }`, {
      description: '{"term":"login bug","first":25}.',
      required: true,
    }, { response: { itemsPath: 'data.searchIssues.nodes', itemFields: ['identifier', 'title', 'state', 'url'] } }),
    graphql('issue_get', 'issues', 'Get an issue with its comments', `query Issue($id: String!) { issue(id: $id) { ${issueFields} description labels { nodes { name } } comments { nodes { id body createdAt user { name } } } } }`, {
      description: '{"id":"ENG-123"} (identifier or UUID).',
      required: true,
    }, { response: { fields: ['data', 'errors'] } }),
    graphql('issue_create', 'issues', 'Create an issue', 'mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id identifier title url } } }', {
      description: '{"input":{"teamId":"<team UUID>","title":"...","description":"Markdown","priority":2,"assigneeId":"<user UUID>","labelIds":[]}}; teamId and title are required.',
      required: true,
    }),
    graphql('issue_update', 'issues', 'Update an issue (state, assignee, title, priority, ...)', 'mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success issue { id identifier title url state { name } } } }', {
      description: '{"id":"ENG-123","input":{"stateId":"<workflow state UUID>","assigneeId":"...","priority":1}}.',
      required: true,
    }),
    graphql('comment_create', 'comments', 'Comment on an issue', 'mutation CommentCreate($input: CommentCreateInput!) { commentCreate(input: $input) { success comment { id url } } }', {
      description: '{"input":{"issueId":"<issue UUID or identifier>","body":"Markdown"}}.',
      required: true,
    }),
    graphql('teams_list', 'teams', 'List teams with their workflow states', 'query Teams { teams { nodes { id key name states { nodes { id name type } } } } }', undefined, {
      response: { itemsPath: 'data.teams.nodes', itemFields: ['id', 'key', 'name', 'states'] },
    }),
    graphql('viewer', 'users', 'Show the authenticated user', 'query Viewer { viewer { id name email organization { name urlKey } } }', undefined),
  ],
  rateLimit: { requestsPerSecond: 0.4, burst: 50, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-requests-remaining', reset: 'x-ratelimit-requests-reset', resetUnit: 'epoch-ms' } },
  source: { kind: 'hand-written', spec: 'https://developers.linear.app/docs/graphql/working-with-the-graphql-api', version: 'GraphQL' },
};
export default def;
