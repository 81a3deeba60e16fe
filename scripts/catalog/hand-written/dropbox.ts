// Dropbox API v2 (RPC-style endpoints), https://www.dropbox.com/developers/documentation/http/documentation
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body } from './_helpers.js';

const p = (required = true) => body('path', 'string', 'Path in the user\'s Dropbox, e.g. "/Reports/q1.pdf" ("" for root in list_folder).', required);
const def: ConnectorDefinitionInput = {
  id: 'dropbox',
  name: 'Dropbox',
  category: 'storage',
  description: 'Cloud file storage: list, search, move, copy, delete and share files and folders via the Dropbox API v2.',
  baseUrl: 'https://api.dropboxapi.com',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://www.dropbox.com/oauth2/authorize',
      tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
      revocationUrl: 'https://api.dropboxapi.com/2/auth/token/revoke',
      scopes: ['account_info.read', 'files.metadata.read', 'files.content.read', 'files.content.write', 'sharing.write'],
      availableScopes: ['account_info.read', 'files.metadata.read', 'files.metadata.write', 'files.content.read', 'files.content.write', 'sharing.read', 'sharing.write', 'file_requests.read', 'file_requests.write', 'contacts.read'],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: true,
      extraAuthorizationParams: { token_access_type: 'offline' },
    },
    { type: 'bearer' },
  ],
  resources: [
    { id: 'files', name: 'Files' },
    { id: 'sharing', name: 'Sharing' },
    { id: 'users', name: 'Users' },
  ],
  actions: [
    action('files_list_folder', 'files', 'POST', '/2/files/list_folder', 'List a folder', [p(), body('recursive', 'boolean'), body('limit', 'integer'), body('include_deleted', 'boolean')], { idempotent: true, response: { itemsPath: 'entries', itemFields: ['.tag', 'id', 'name', 'path_display', 'size', 'server_modified'], fields: ['entries', 'cursor', 'has_more'] } }),
    action('files_list_folder_continue', 'files', 'POST', '/2/files/list_folder/continue', 'Continue listing a folder', [body('cursor', 'string', 'Cursor from list_folder.', true)], { idempotent: true, response: { itemsPath: 'entries', fields: ['entries', 'cursor', 'has_more'] } }),
    action('files_get_metadata', 'files', 'POST', '/2/files/get_metadata', 'Get file or folder metadata', [p(), body('include_media_info', 'boolean')], { idempotent: true, response: { fields: ['.tag', 'id', 'name', 'path_display', 'size', 'rev', 'server_modified'] } }),
    action('files_search_v2', 'files', 'POST', '/2/files/search_v2', 'Search files and folders', [body('query', 'string', 'Search string.', true), body('options', 'object', 'e.g. {"path":"/Docs","max_results":20}.')], { idempotent: true, response: { itemsPath: 'matches', fields: ['matches', 'has_more', 'cursor'] } }),
    action('files_create_folder_v2', 'files', 'POST', '/2/files/create_folder_v2', 'Create a folder', [p(), body('autorename', 'boolean')], { response: { fields: ['metadata'] } }),
    action('files_delete_v2', 'files', 'POST', '/2/files/delete_v2', 'Delete a file or folder', [p()], { destructive: true, response: { fields: ['metadata'] } }),
    action('files_move_v2', 'files', 'POST', '/2/files/move_v2', 'Move a file or folder', [body('from_path', 'string', undefined, true), body('to_path', 'string', undefined, true), body('autorename', 'boolean')], { response: { fields: ['metadata'] } }),
    action('files_copy_v2', 'files', 'POST', '/2/files/copy_v2', 'Copy a file or folder', [body('from_path', 'string', undefined, true), body('to_path', 'string', undefined, true), body('autorename', 'boolean')], { response: { fields: ['metadata'] } }),
    action('files_get_temporary_link', 'files', 'POST', '/2/files/get_temporary_link', 'Get a temporary download link', [p()], { idempotent: true, response: { fields: ['metadata', 'link'] } }),
    action('files_save_url', 'files', 'POST', '/2/files/save_url', 'Save a URL into Dropbox', [p(), body('url', 'string', undefined, true)], { response: { fields: ['.tag', 'async_job_id'] } }),
    action('sharing_create_shared_link_with_settings', 'sharing', 'POST', '/2/sharing/create_shared_link_with_settings', 'Create a shared link', [p(), body('settings', 'object')], { response: { fields: ['url', 'name', 'path_lower', 'link_permissions'] } }),
    action('sharing_list_shared_links', 'sharing', 'POST', '/2/sharing/list_shared_links', 'List shared links', [p(false), body('cursor', 'string')], { idempotent: true, response: { itemsPath: 'links', fields: ['links', 'has_more', 'cursor'] } }),
    action('users_get_current_account', 'users', 'POST', '/2/users/get_current_account', 'Get the current account', [], { idempotent: true, response: { fields: ['account_id', 'name', 'email', 'country'] } }),
    action('users_get_space_usage', 'users', 'POST', '/2/users/get_space_usage', 'Get space usage', [], { idempotent: true, response: { fields: ['used', 'allocation'] } }),
  ],
  rateLimit: { requestsPerSecond: 10, burst: 20, headers: { retryAfter: 'retry-after' } },
  source: { kind: 'hand-written', spec: 'https://www.dropbox.com/developers/documentation/http/documentation', version: '2' },
};
export default def;
