// Intercom REST API 2.11, https://developers.intercom.com/docs/references/rest-api/api.intercom.io/
import type { ConnectorDefinitionInput } from '../../../src/connectors/schema.js';
import { action, body, pathParam, query } from './_helpers.js';

const version = { name: 'Intercom-Version', in: 'header', type: 'string', required: false, description: 'API version.', default: '2.11' } as const;
const cursor = { style: 'cursor', cursorParam: 'starting_after', cursorPath: 'pages.next.starting_after', limitParam: 'per_page' } as const;
const def: ConnectorDefinitionInput = {
  id: 'intercom',
  name: 'Intercom',
  category: 'support',
  description: 'Customer messaging: contacts, conversations, replies, messages and tags via the Intercom REST API.',
  baseUrl: 'https://api.intercom.io',
  authMethods: [
    {
      type: 'oauth2',
      authorizationUrl: 'https://app.intercom.com/oauth',
      tokenUrl: 'https://api.intercom.io/auth/eagle/token',
      // Permissions are chosen when the app is configured in the Developer Hub, not per request.
      scopes: [],
      scopeSeparator: ' ',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkce: false,
    },
    { type: 'bearer' },
  ],
  resources: [
    { id: 'contacts', name: 'Contacts' },
    { id: 'conversations', name: 'Conversations' },
    { id: 'messages', name: 'Messages' },
    { id: 'admins', name: 'Admins' },
    { id: 'tags', name: 'Tags' },
  ],
  actions: [
    action('contacts_search', 'contacts', 'POST', '/contacts/search', 'Search contacts', [version, body('query', 'object', '{"field":"email","operator":"=","value":"a@b.c"} or {"operator":"AND","value":[...]}.', true), body('pagination', 'object', '{"per_page":50,"starting_after":"<cursor>"}.')], { idempotent: true, response: { itemsPath: 'data', itemFields: ['id', 'role', 'email', 'name', 'external_id', 'last_seen_at'] } }),
    action('contact_get', 'contacts', 'GET', '/contacts/{id}', 'Get a contact', [version, pathParam('id', 'Contact id.')], { response: { fields: ['id', 'role', 'email', 'name', 'phone', 'custom_attributes', 'tags', 'companies'] } }),
    action('contact_create', 'contacts', 'POST', '/contacts', 'Create a contact', [version, body('role', 'string', 'user or lead.'), body('email', 'string', 'E-mail (email or external_id is required).'), body('external_id', 'string', 'Your id for the user.'), body('name', 'string', 'Full name.'), body('custom_attributes', 'object', 'Custom attribute values.')], { response: { fields: ['id', 'role', 'email', 'name'] } }),
    action('conversations_list', 'conversations', 'GET', '/conversations', 'List conversations', [version, query('per_page', 'integer', 'Max 150.'), query('starting_after', 'string', 'Cursor from pages.next.starting_after.')], { pagination: cursor, response: { itemsPath: 'conversations', itemFields: ['id', 'title', 'state', 'open', 'read', 'priority', 'updated_at', 'source'] } }),
    action('conversation_get', 'conversations', 'GET', '/conversations/{id}', 'Get a conversation with its parts', [version, pathParam('id', 'Conversation id.')], { response: { fields: ['id', 'title', 'state', 'source', 'contacts', 'conversation_parts', 'tags'] } }),
    action('conversation_reply', 'conversations', 'POST', '/conversations/{id}/reply', 'Reply to a conversation (or add a note)', [version, pathParam('id', 'Conversation id.'), body('message_type', 'string', 'comment or note.', true, { enum: ['comment', 'note'] }), body('type', 'string', 'admin or user.', true, { enum: ['admin', 'user'] }), body('admin_id', 'string', 'Replying admin (when type is admin).'), body('intercom_user_id', 'string', 'Replying user (when type is user).'), body('body', 'string', 'Reply text (HTML allowed).', true)], { response: { fields: ['id', 'state', 'conversation_parts'] } }),
    action('conversation_close', 'conversations', 'POST', '/conversations/{id}/parts', 'Close, open or snooze a conversation', [version, pathParam('id', 'Conversation id.'), body('message_type', 'string', 'close, open, snoozed or assignment.', true, { enum: ['close', 'open', 'snoozed', 'assignment'] }), body('type', 'string', 'admin.', true, { enum: ['admin'] }), body('admin_id', 'string', 'Acting admin.', true), body('body', 'string', 'Optional closing message.'), body('snoozed_until', 'integer', 'Unix time (snoozed only).')], { response: { fields: ['id', 'state', 'open'] } }),
    action('message_create', 'messages', 'POST', '/messages', 'Send a message to a contact', [version, body('message_type', 'string', 'in_app or email.', true, { enum: ['in_app', 'email'] }), body('subject', 'string', 'Subject (email).'), body('body', 'string', 'Message body.', true), body('from', 'object', '{"type":"admin","id":"<admin id>"}.', true), body('to', 'object', '{"type":"user","id":"<contact id>"}.', true)], { response: { fields: ['id', 'type', 'message_type', 'conversation_id'] } }),
    action('admins_list', 'admins', 'GET', '/admins', 'List admins (teammates)', [version], { response: { itemsPath: 'admins', itemFields: ['id', 'name', 'email', 'away_mode_enabled'] } }),
    action('tags_list', 'tags', 'GET', '/tags', 'List tags', [version], { response: { itemsPath: 'data', itemFields: ['id', 'name'] } }),
  ],
  rateLimit: { requestsPerSecond: 160, burst: 300, headers: { retryAfter: 'retry-after', remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetUnit: 'epoch-seconds' } },
  source: { kind: 'hand-written', spec: 'https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting', version: '2.11' },
};
export default def;
