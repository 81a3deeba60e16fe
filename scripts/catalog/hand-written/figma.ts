// Figma REST API, https://www.figma.com/developers/api
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const file = pathParam('file_key', 'File key (from the file URL: figma.com/design/<file_key>/...).');
const def: ConnectorDefinitionInput = {
  id: 'figma',
  name: 'Figma',
  category: 'productivity',
  description: 'Design files: read files and nodes, render images, comment, and browse team projects via the Figma REST API.',
  baseUrl: 'https://api.figma.com',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://www.figma.com/oauth',
      tokenUrl: 'https://api.figma.com/v1/oauth/token',
      scopes: ['current_user:read', 'file_content:read', 'file_metadata:read', 'file_comments:read', 'file_comments:write', 'projects:read'],
      availableScopes: ['current_user:read', 'file_content:read', 'file_metadata:read', 'file_versions:read', 'file_comments:read', 'file_comments:write', 'file_dev_resources:read', 'file_dev_resources:write', 'library_assets:read', 'library_content:read', 'team_library_content:read', 'projects:read', 'webhooks:read', 'webhooks:write'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkce: true,
    },
    { type: 'apiKey', in: 'header', name: 'X-Figma-Token' },
  ],
  resources: [
    { id: 'files', name: 'Files' },
    { id: 'comments', name: 'Comments' },
    { id: 'projects', name: 'Projects' },
    { id: 'users', name: 'Users' },
  ],
  actions: [
    action('me', 'users', 'GET', '/v1/me', 'Show the authenticated user', [], { response: { fields: ['id', 'handle', 'email', 'img_url'] } }),
    action('file_get', 'files', 'GET', '/v1/files/{file_key}', 'Get a file (document tree)', [file, query('depth', 'integer', 'How deep to walk the tree (1 = pages only).'), query('ids', 'string', 'Comma-separated node ids to include.')], { response: { fields: ['name', 'lastModified', 'version', 'document', 'components', 'styles'] } }),
    action('file_nodes_get', 'files', 'GET', '/v1/files/{file_key}/nodes', 'Get specific nodes of a file', [file, query('ids', 'string', 'Comma-separated node ids, e.g. 1:2,1:3.', true), query('depth', 'integer', 'Depth below each node.')], { response: { fields: ['name', 'lastModified', 'nodes'] } }),
    action('images_render', 'files', 'GET', '/v1/images/{file_key}', 'Render nodes as images (URLs)', [file, query('ids', 'string', 'Comma-separated node ids.', true), query('format', 'string', 'png, jpg, svg or pdf.'), query('scale', 'number', '0.01-4.')], { response: { fields: ['err', 'images'] } }),
    action('file_versions_list', 'files', 'GET', '/v1/files/{file_key}/versions', 'List versions of a file', [file], { response: { itemsPath: 'versions', itemFields: ['id', 'created_at', 'label', 'description', 'user'] } }),
    action('comments_list', 'comments', 'GET', '/v1/files/{file_key}/comments', 'List comments on a file', [file, query('as_md', 'boolean', 'Return Markdown.')], { response: { itemsPath: 'comments', itemFields: ['id', 'message', 'user', 'created_at', 'resolved_at', 'client_meta'] } }),
    action('comment_create', 'comments', 'POST', '/v1/files/{file_key}/comments', 'Comment on a file', [file, body('message', 'string', 'Comment text.', true), body('comment_id', 'string', 'Reply to this comment.'), body('client_meta', 'object', 'Where: {"node_id":"1:2","node_offset":{"x":0,"y":0}}.')], { response: { fields: ['id', 'message', 'created_at'] } }),
    action('team_projects_list', 'projects', 'GET', '/v1/teams/{team_id}/projects', 'List projects of a team', [pathParam('team_id', 'Team id (from the team URL).')], { response: { itemsPath: 'projects', itemFields: ['id', 'name'] } }),
    action('project_files_list', 'projects', 'GET', '/v1/projects/{project_id}/files', 'List files of a project', [pathParam('project_id', 'Project id.')], { response: { itemsPath: 'files', itemFields: ['key', 'name', 'last_modified', 'thumbnail_url'] } }),
  ],
  rateLimit: { requestsPerSecond: 0.25, burst: 15, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://www.figma.com/developers/api#rate-limits', version: 'v1' },
};
export default def;
